// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// An Engine that records what it was asked and answers what it is told, for
// router tests that need no database.

#ifndef VIGIL_TESTS_SERVICE_FAKE_ENGINE_H_
#define VIGIL_TESTS_SERVICE_FAKE_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "vigil/engine.h"

namespace vigil::testing {

class FakeEngine : public Engine {
 public:
  // What the next calls answer.
  absl::Status evaluate_status = absl::OkStatus();
  Decision decision;
  absl::Status update_status = absl::OkStatus();
  absl::Status list_status = absl::OkStatus();
  EventPage page;

  // What was asked.
  std::vector<Attempt> attempts;
  std::vector<std::pair<std::string, Outcome>> outcomes;
  std::vector<std::pair<std::string, FeedbackValue>> feedback;
  struct ListCall {
    std::string user, cursor;
    int limit;
  };
  std::vector<ListCall> lists;
  std::shared_ptr<const Model> current_model;

  int calls() const {
    return static_cast<int>(attempts.size() + outcomes.size() +
                            feedback.size() + lists.size());
  }

  absl::StatusOr<Decision> Evaluate(const Attempt& attempt) override {
    attempts.push_back(attempt);
    if (!evaluate_status.ok()) return evaluate_status;
    return decision;
  }
  absl::Status RecordOutcome(absl::string_view id, Outcome outcome) override {
    outcomes.emplace_back(std::string(id), outcome);
    return update_status;
  }
  absl::Status RecordFeedback(absl::string_view id, FeedbackValue value,
                              absl::string_view) override {
    feedback.emplace_back(std::string(id), value);
    return update_status;
  }
  absl::StatusOr<Event> GetEvent(absl::string_view) override {
    return absl::NotFoundError("no");
  }
  absl::StatusOr<EventPage> ListEvents(absl::string_view user,
                                       absl::string_view cursor,
                                       int limit) override {
    lists.push_back({std::string(user), std::string(cursor), limit});
    if (!list_status.ok()) return list_status;
    return page;
  }
  void SetModel(std::shared_ptr<const Model> model) override {
    current_model = std::move(model);
  }
  std::shared_ptr<const Model> model() const override { return current_model; }
  EngineStats stats() const override {
    EngineStats s;
    s.evaluations = static_cast<int64_t>(attempts.size());
    return s;
  }
};

}  // namespace vigil::testing

#endif  // VIGIL_TESTS_SERVICE_FAKE_ENGINE_H_
