// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/simulate/simulator.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "cli/progress.h"
#include "tools/simulate/sim_event.h"
#include "tools/simulate/user_agents.h"

namespace vigil::tools {
namespace {


struct Device {
  uint16_t ua;
  int16_t lag;
  uint64_t fp;
  int64_t from_ms = 0;            // in use from
  int64_t until_ms = INT64_MAX;   // replaced at
};

struct Trip {
  int64_t depart, arrive, leave, back;
  int place;
  int hotel;  // network
};

struct User {
  int place;
  int home_net;
  uint32_t home_ip;
  int64_t home_ip_change = INT64_MAX;
  uint32_t home_ip2 = 0;
  std::vector<int> mobile_nets;
  int work_net = -1;
  std::vector<Device> phones, computers, tablets, work_pcs;
  double rate;  // sign-ins per day
  std::vector<Trip> trips;
};

class Gen {
 public:
  Gen(const World& w, const SimulateOptions& o)
      : w_(w), o_(o), rng_(o.seed), t0_(absl::ToUnixMillis(o.start)) {}

  double U() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  int Pick(size_t n) { return static_cast<int>(rng_() % n); }
  template <typename T>
  const T& PickOf(const std::vector<T>& v) { return v[Pick(v.size())]; }
  uint32_t Host(int net) { return w_.networks[net].base + 2 + Pick(250); }

  Device MakeDevice(const std::vector<uint16_t>& family, int64_t from) {
    Device d;
    d.ua = PickOf(family);
    d.lag = static_cast<int16_t>(Pick(28));
    d.fp = rng_();
    d.from_ms = from;
    return d;
  }

  void MakeUser(User* u) {
    u->place = PickOf(w_.home_places);
    const Place& p = w_.places[u->place];
    u->home_net = PickOf(p.networks);
    u->home_ip = Host(u->home_net);
    if (U() < 0.25) {  // the ISP hands out a new address once
      u->home_ip_change = t0_ + static_cast<int64_t>(U() * o_.days * kDay);
      u->home_ip2 = Host(SameAsnIn(p.networks, u->home_net));
    }
    // Mobile carrier: a few networks of one ASN in the country.
    const std::vector<int>& country = w_.by_country.at(p.country);
    const int carrier = PickOf(country);
    for (int n : country) {
      if (w_.networks[n].asn == w_.networks[carrier].asn) u->mobile_nets.push_back(n);
      if (u->mobile_nets.size() >= 4) break;
    }
    if (U() < 0.5) u->work_net = PickOf(p.networks);
    const bool iphone = U() < 0.55;
    const int64_t end = t0_ + o_.days * kDay;
    u->phones.push_back(MakeDevice(iphone ? kIphoneUas : kAndroidUas, 0));
    if (U() < 0.12) {  // a new phone during the period
      const int64_t at = t0_ + static_cast<int64_t>(U() * o_.days * kDay);
      u->phones.back().until_ms = at;
      const bool switch_os = U() < 0.2;
      u->phones.push_back(
          MakeDevice((iphone != switch_os) ? kIphoneUas : kAndroidUas, at));
    }
    if (U() < 0.8) {
      u->computers.push_back(MakeDevice(kDesktopUas, 0));
      if (U() < 0.05) {
        const int64_t at = t0_ + static_cast<int64_t>(U() * o_.days * kDay);
        u->computers.back().until_ms = at;
        u->computers.push_back(MakeDevice(kDesktopUas, at));
      }
    }
    if (U() < 0.15) u->tablets.push_back(MakeDevice(kTabletUas, 0));
    if (u->work_net >= 0 && U() < 0.6) u->work_pcs.push_back(MakeDevice(kDesktopUas, 0));
    // Daily to monthly users.
    u->rate = std::clamp(std::exp(std::normal_distribution<double>(0, 0.9)(rng_)),
                         0.03, 6.0);
    // Trips.
    const int trips = std::poisson_distribution<int>(0.5 * o_.days / 30.0)(rng_);
    int64_t after = t0_;
    for (int i = 0; i < trips; ++i) {
      Trip t;
      t.depart = after + static_cast<int64_t>(U() * (end - after) * 0.7);
      if (U() < 0.7 && w_.by_country.at(p.country).size() > 1) {
        t.place = w_.networks[PickOf(country)].place;
      } else {
        t.place = PickOf(w_.home_places);
      }
      const double km = DistanceKm(p, w_.places[t.place]);
      // Door to door: to the airport, the flight, from the airport.
      const int64_t travel =
          km < 300 ? static_cast<int64_t>(km / 80 * kHour)
                   : static_cast<int64_t>((2.5 + km / 750) * kHour);
      t.arrive = t.depart + travel;
      t.leave = t.arrive + static_cast<int64_t>((1 + U() * 7) * kDay);
      t.back = t.leave + travel;
      const Place& dest = w_.places[t.place];
      t.hotel = dest.networks.empty() ? PickOf(w_.by_country.at(dest.country))
                                      : PickOf(dest.networks);
      u->trips.push_back(t);
      after = t.back + kDay;
      if (after >= end) break;
    }
  }

  int SameAsnIn(const std::vector<int>& nets, int net) {
    std::vector<int> same;
    for (int n : nets) {
      if (n != net && w_.networks[n].asn == w_.networks[net].asn) same.push_back(n);
    }
    return same.empty() ? net : PickOf(same);
  }

  static const Device* Active(const std::vector<Device>& ds, int64_t t) {
    for (const Device& d : ds) {
      if (t >= d.from_ms && t < d.until_ms) return &d;
    }
    return nullptr;
  }

  void Emit(int32_t user, int64_t t, uint32_t ip, const Device& d, bool success,
            Kind kind) {
    events_.push_back({t, user, ip, d.ua, d.lag, d.fp, success, kind});
  }

  // One legitimate sign-in of user `id` at time t (with typos before it).
  void LegitSignIn(int32_t id, const User& u, int64_t t) {
    const Trip* trip = nullptr;
    for (const Trip& tr : u.trips) {
      if ((t >= tr.depart && t < tr.arrive) || (t >= tr.leave && t < tr.back)) {
        return;  // travelling
      }
      if (t >= tr.arrive && t < tr.leave) trip = &tr;
    }
    const Device* phone = Active(u.phones, t);
    const Device* computer = Active(u.computers, t);
    const Device* tablet = Active(u.tablets, t);
    const Device* work_pc = Active(u.work_pcs, t);
    const int64_t day_ms = (t - t0_) % kDay;
    const int weekday = static_cast<int>(((t - t0_) / kDay) % 7);  // 0 = Monday
    const bool working = u.work_net >= 0 && weekday < 5 && day_ms >= 9 * kHour &&
                         day_ms < 17 * kHour && trip == nullptr;
    const Device* d = phone;
    uint32_t ip;
    const double r = U();
    auto mobile_ip = [&] { return Host(PickOf(u.mobile_nets)); };
    if (trip != nullptr) {
      if (computer != nullptr && r < 0.3) {
        d = computer;
        ip = Host(trip->hotel);
      } else {
        ip = r < 0.65 ? Host(trip->hotel) : mobile_ip();  // roaming: home carrier
      }
    } else if (working) {
      if (work_pc != nullptr && r < 0.7) {
        d = work_pc;
        ip = Host(u.work_net);
      } else {
        ip = r < 0.85 ? mobile_ip() : Host(u.work_net);
      }
    } else {
      const uint32_t home = t >= u.home_ip_change ? u.home_ip2 : u.home_ip;
      if (computer != nullptr && r < 0.45) {
        d = computer;
        ip = home;
      } else if (tablet != nullptr && r < 0.55) {
        d = tablet;
        ip = home;
      } else {
        ip = U() < 0.6 ? home : mobile_ip();
      }
    }
    const double typo = U();
    if (typo < 0.05) Emit(id, t - 20'000 - Pick(40'000), ip, *d, false, kLegitimate);
    if (typo < 0.006) Emit(id, t - 70'000 - Pick(40'000), ip, *d, false, kLegitimate);
    Emit(id, t, ip, *d, true, kLegitimate);
  }

  int64_t SignInTime(int64_t day_start, bool worker) {
    const double r = U();
    double h;
    if (r < 0.25) {
      h = 6.5 + U() * 3;
    } else if (r < (worker ? 0.6 : 0.45)) {
      h = 9 + U() * 8;
    } else if (r < 0.95) {
      h = 17 + U() * 6;
    } else {
      h = U() * 6.5;
    }
    return day_start + static_cast<int64_t>(h * kHour) + Pick(60'000);
  }

  void Run() {
    users_.resize(o_.users);
    for (User& u : users_) MakeUser(&u);
    for (int32_t id = 0; id < o_.users; ++id) {
      if (progress_ != nullptr) progress_->Update(id);
      const User& u = users_[id];
      for (int day = 0; day < o_.days; ++day) {
        const int weekday = day % 7;
        const double rate = u.rate * (weekday >= 5 ? 0.75 : 1.07);
        const int n = std::poisson_distribution<int>(rate)(rng_);
        for (int i = 0; i < n; ++i) {
          LegitSignIn(id, u, SignInTime(t0_ + day * kDay, u.work_net >= 0));
        }
      }
    }
    if (progress_ != nullptr) {
      progress_->Update(o_.users);
      progress_->Finish();
    }
    Takeovers();
    Stuffing();
    Spraying();
  }

  Progress* progress_ = nullptr;  // counts the users

  // The right password, from somewhere else; a challenged attacker may come
  // back once.
  void Takeover(int32_t id, int64_t t, uint32_t ip, const Device& d, Kind kind) {
    Emit(id, t, ip, d, true, kind);
    if (U() < 0.5) Emit(id, t + kHour + Pick(3 * kHour), ip, d, true, kind);
  }

  Device AttackerDevice(const std::vector<uint16_t>& family) {
    Device d;
    d.ua = PickOf(family);
    d.lag = static_cast<int16_t>(Pick(60));
    d.fp = rng_();
    return d;
  }

  void Takeovers() {
    const int64_t end = t0_ + o_.days * kDay;
    const int64_t earliest = t0_ + std::min<int64_t>(10, o_.days / 3) * kDay;
    const int victims = static_cast<int>(o_.users * o_.takeover_share + 0.5);
    // The victims' own sign-ins, for "minutes after the victim".
    std::vector<std::vector<int64_t>> own(o_.users);
    for (const SimEvent& e : events_) {
      if (e.kind == kLegitimate && e.success && e.ms >= earliest) own[e.user].push_back(e.ms);
    }
    for (int i = 0; i < victims; ++i) {
      const int32_t id = Pick(o_.users);
      const User& u = users_[id];
      const Place& home = w_.places[u.place];
      const Kind kind = static_cast<Kind>(kRandomCountry + Pick(4));
      int64_t t = earliest + static_cast<int64_t>(U() * (end - earliest));
      if (kind == kRandomCountry) {
        int net = 0;
        for (int tries = 0; tries < 100; ++tries) {
          net = U() < 0.3 ? PickOf(w_.hosting)
                          : PickOf(w_.places[PickOf(w_.home_places)].networks);
          if (w_.places[w_.networks[net].place].country != home.country) break;
        }
        Takeover(id, t, Host(net), AttackerDevice(kAnyUas), kind);
      } else if (kind == kVpnSameCountry) {
        auto it = w_.hosting_by_country.find(home.country);
        const int net = it != w_.hosting_by_country.end() ? PickOf(it->second)
                                                          : PickOf(w_.hosting);
        Takeover(id, t, Host(net), AttackerDevice(kDesktopUas), kind);
      } else if (kind == kSameCity) {
        // Another network of the victim's city: not the victim's home or
        // workplace (else one of the country's, for a city sampled thinly).
        auto victims_own = [&](int n) {
          return w_.networks[n].base == w_.networks[u.home_net].base ||
                 (u.work_net >= 0 && w_.networks[n].base == w_.networks[u.work_net].base);
        };
        int net = PickOf(home.networks);
        for (int tries = 0; tries < 20 && victims_own(net); ++tries) {
          net = PickOf(home.networks);
        }
        if (victims_own(net)) net = PickOf(w_.by_country.at(home.country));
        // The victim's browser: the same user agent, not the same device.
        const Device* victim = Active(u.computers, t);
        if (victim == nullptr) victim = Active(u.phones, t);
        Device d = *victim;
        d.fp = rng_();
        Takeover(id, t, Host(net), d, kind);
      } else {
        if (own[id].empty()) continue;
        t = PickOf(own[id]) + 3 * kMinute + Pick(27 * kMinute);
        int place = 0;
        for (int tries = 0; tries < 1000; ++tries) {
          place = PickOf(w_.home_places);
          if (DistanceKm(home, w_.places[place]) >= 5000) break;
        }
        Takeover(id, t, Host(PickOf(w_.places[place].networks)),
                 AttackerDevice(kAnyUas), kind);
      }
    }
  }

  void Stuffing() {
    const int campaigns = std::max(1, static_cast<int>(
                                          1.0 * o_.users * o_.days / 40000));
    for (int c = 0; c < campaigns; ++c) {
      const uint32_t ip = Host(PickOf(w_.hosting));
      const Device d = AttackerDevice(kScriptUas);
      int64_t t = t0_ + static_cast<int64_t>(U() * o_.days * kDay);
      const int tries = 80 + Pick(300);
      for (int k = 0; k < tries; ++k) {
        t += 2'000 + Pick(15'000);
        const bool account = U() < 0.6;
        const int32_t id = account ? Pick(o_.users) : -1 - Pick(1'000'000);
        const bool right = account && U() < 0.01;
        Emit(id, t, ip, d, right, kStuffing);
      }
    }
  }

  void Spraying() {
    const int campaigns =
        std::max(1, static_cast<int>(1.0 * o_.users * o_.days / 120000));
    for (int c = 0; c < campaigns; ++c) {
      std::vector<uint32_t> ips;
      for (int k = 0; k < 5; ++k) {
        ips.push_back(Host(PickOf(w_.places[PickOf(w_.home_places)].networks)));
      }
      const Device d = AttackerDevice(kDesktopUas);
      int64_t t = t0_ + static_cast<int64_t>(U() * o_.days * kDay);
      const int tries = 200 + Pick(600);
      for (int k = 0; k < tries; ++k) {
        t += 30'000 + Pick(5 * kMinute);
        const int32_t id = Pick(o_.users);
        Emit(id, t, PickOf(ips), d, U() < 0.003, kSpraying);
      }
    }
  }

  const World& w_;
  const SimulateOptions& o_;
  std::mt19937_64 rng_;
  const int64_t t0_;
  std::vector<User> users_;
  std::vector<SimEvent> events_;
};

}  // namespace

absl::Status Simulate(const World& world, const SimulateOptions& options,
                      std::ostream& out, SimulateStats* stats) {
  if (options.users < 1 || options.days < 1) {
    return absl::InvalidArgumentError("users and days must be at least 1");
  }
  std::ostream& ps =
      options.progress_stream != nullptr ? *options.progress_stream : std::cerr;
  const bool show =
      options.progress_stream != nullptr && Progress::OnTerminal(ps);
  Gen g(world, options);
  Progress users(ps, show, "simulate: users", "users");
  users.SetTotal(options.users);
  g.progress_ = &users;
  g.Run();
  std::stable_sort(g.events_.begin(), g.events_.end(),
                   [](const SimEvent& a, const SimEvent& b) { return a.ms < b.ms; });
  Progress written(ps, show, "simulate: writing", "events");
  return WriteSimEvents(g.events_, g.t0_, out, stats, &written);
}

}  // namespace vigil::tools
