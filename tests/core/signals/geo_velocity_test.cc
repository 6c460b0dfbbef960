// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// geo_velocity ("impossible travel") and the great-circle distance under it.

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/signals/signal_test_util.h"
#include "gtest/gtest.h"
#include "signals/geo_distance.h"
#include "signals/geo_velocity.h"
#include "signals/signal.h"

namespace vigil::internal {
namespace {

using testing::MutableSettings;
using testing::TestInput;

struct Place {
  double lat, lon;
  int accuracy_km;
  const char* city;
  const char* country;
};

constexpr Place kBerlin = {52.52, 13.405, 0, "Berlin", "DE"};
constexpr Place kSydney = {-33.8688, 151.2093, 0, "Sydney", "AU"};
constexpr Place kPotsdam = {52.3906, 13.0645, 0, "Potsdam", "DE"};
constexpr Place kMadrid = {40.4168, -3.7038, 0, "Madrid", "ES"};

TEST(HaversineTest, KnownDistances) {
  struct Case {
    const char* name;
    double lat1, lon1, lat2, lon2;
    double km, tolerance;
  };
  const double half = M_PI * 6371.0088;
  const std::vector<Case> cases = {
      {"London - Paris", 51.5074, -0.1278, 48.8566, 2.3522, 343.5, 1},
      {"New York - Los Angeles", 40.7128, -74.0060, 34.0522, -118.2437, 3935.7,
       2},
      {"Berlin - Sydney", 52.52, 13.405, -33.8688, 151.2093, 16094.5, 5},
      {"same point", 48.8566, 2.3522, 48.8566, 2.3522, 0, 1e-9},
      {"one degree on the equator", 0, 0, 0, 1, 111.195, 0.001},
      {"across the antimeridian", 0, 179.5, 0, -179.5, 111.195, 0.001},
      {"antipodes on the equator", 0, 0, 0, 180, half, 1e-6},
      {"pole to pole", 90, 0, -90, 0, half, 1e-6},
      {"longitude is moot at a pole", 90, 0, 90, 123, 0, 1e-6},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_NEAR(HaversineKm(c.lat1, c.lon1, c.lat2, c.lon2), c.km, c.tolerance);
    EXPECT_DOUBLE_EQ(HaversineKm(c.lat1, c.lon1, c.lat2, c.lon2),
                     HaversineKm(c.lat2, c.lon2, c.lat1, c.lon1));
  }
}

// The user last signed in (trusted) at `from`, `elapsed` before now, and now
// signs in from `to`.
TestInput Trip(const Place& from, const Place& to, absl::Duration elapsed) {
  TestInput in;
  in.profile.has_trusted_location = true;
  in.profile.trusted_latitude = from.lat;
  in.profile.trusted_longitude = from.lon;
  in.profile.trusted_accuracy_km = from.accuracy_km;
  in.profile.trusted_city = from.city;
  in.profile.trusted_country = from.country;
  in.profile.trusted_time = absl::ToUnixSeconds(in.now - elapsed);
  in.geo.has_location = true;
  in.geo.latitude = to.lat;
  in.geo.longitude = to.lon;
  in.geo.accuracy_radius_km = to.accuracy_km;
  in.geo.city = to.city;
  in.geo.country = to.country;
  return in;
}

SignalResult Evaluate(const TestInput& in) {
  return GeoVelocitySignal()->Evaluate(in.Get());
}

TEST(GeoVelocityTest, BerlinToSydneyInFortyMinutesIsImpossible) {
  const SignalResult r = Evaluate(Trip(kBerlin, kSydney, absl::Minutes(40)));
  EXPECT_EQ(r.score, 1);
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.detail,
            "Berlin DE -> Sydney AU, 16,095 km in 40 min (24,142 km/h)");
}

TEST(GeoVelocityTest, Trips) {
  const double madrid_km = HaversineKm(kBerlin.lat, kBerlin.lon, kMadrid.lat,
                                       kMadrid.lon);  // 1,869 km
  Place madrid_fuzzy = kMadrid;
  madrid_fuzzy.accuracy_km = 300;
  Place berlin_fuzzy = kBerlin;
  berlin_fuzzy.accuracy_km = 200;
  Place madrid_vague = kMadrid;
  madrid_vague.accuracy_km = 1000;
  Place berlin_vague = kBerlin;
  berlin_vague.accuracy_km = 800;
  Place country_only = kMadrid;
  country_only.city = "";
  Place nowhere = kMadrid;
  nowhere.city = "";
  nowhere.country = "";
  struct Case {
    const char* name;
    Place from, to;
    absl::Duration elapsed;
    double score;
    std::string detail;  // "" also when not checked (score 0)
  };
  const std::vector<Case> cases = {
      {"same points 30 hours later", kBerlin, kSydney, absl::Hours(30), 0, ""},
      {"Berlin - Sydney in 5 h", kBerlin, kSydney, absl::Hours(5), 1,
       "Berlin DE -> Sydney AU, 16,095 km in 5.0 h (3,219 km/h)"},
      {"Berlin - Sydney in 3 days", kBerlin, kSydney, absl::Hours(72), 0, ""},
      {"under the minimum distance", kBerlin, kPotsdam, absl::Minutes(1), 0,
       ""},
      {"Berlin - Madrid in 1 h", kBerlin, kMadrid, absl::Hours(1),
       (madrid_km - 1000) / 1000,
       "Berlin DE -> Madrid ES, 1,869 km in 60 min (1,869 km/h)"},
      {"Berlin - Madrid in 90 min", kBerlin, kMadrid, absl::Minutes(90),
       (madrid_km / 1.5 - 1000) / 1000, ""},
      {"plausible flight", kBerlin, kMadrid, absl::Hours(3), 0, ""},
      {"accuracy radii are subtracted", berlin_fuzzy, madrid_fuzzy,
       absl::Hours(1), (madrid_km - 500 - 1000) / 1000,
       // The detail shows the raw distance; speed uses the effective one.
       "Berlin DE -> Madrid ES, 1,869 km in 60 min (1,369 km/h)"},
      {"radii larger than the distance", berlin_vague, madrid_vague,
       absl::Minutes(1), 0, ""},
      {"no time between", kBerlin, kMadrid, absl::ZeroDuration(), 1,
       "Berlin DE -> Madrid ES, 1,869 km in 0 min (no time between)"},
      {"trusted sign-in in the future", kBerlin, kMadrid, -absl::Hours(1), 1,
       "Berlin DE -> Madrid ES, 1,869 km in 0 min (no time between)"},
      {"place named by country only", kBerlin, country_only, absl::Minutes(10),
       1, "Berlin DE -> ES, 1,869 km in 10 min (11,215 km/h)"},
      {"place named by coordinates", kBerlin, nowhere, absl::Minutes(10), 1,
       "Berlin DE -> (40.42, -3.70), 1,869 km in 10 min (11,215 km/h)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const SignalResult r = Evaluate(Trip(c.from, c.to, c.elapsed));
    EXPECT_NEAR(r.score, c.score, 1e-9);
    if (c.score == 0) {
      EXPECT_EQ(r.detail, "");
    } else if (!c.detail.empty()) {
      EXPECT_EQ(r.detail, c.detail);
    }
    EXPECT_FALSE(r.failed);
  }
}

TEST(GeoVelocityTest, NothingToCompare) {
  TestInput no_trusted = Trip(kBerlin, kSydney, absl::Minutes(40));
  no_trusted.profile.has_trusted_location = false;
  EXPECT_EQ(Evaluate(no_trusted).score, 0);
  EXPECT_FALSE(Evaluate(no_trusted).failed);

  TestInput no_location = Trip(kBerlin, kSydney, absl::Minutes(40));
  no_location.geo.has_location = false;
  EXPECT_EQ(Evaluate(no_location).score, 0);
  EXPECT_FALSE(Evaluate(no_location).failed);
}

TEST(GeoVelocityTest, TrustedSignInsOlderThanMaxAgeAreNotCompared) {
  TestInput in = Trip(kBerlin, kSydney, absl::Minutes(40));
  GeoVelocitySettings& g = MutableSettings<GeoVelocitySettings>(&in.config);
  g.max_age_hours = 1;
  EXPECT_EQ(Evaluate(in).score, 1);
  g.max_age_hours = 0.5;
  EXPECT_EQ(Evaluate(in).score, 0);
}

TEST(GeoVelocityTest, ThresholdsComeFromTheModel) {
  // Berlin - Madrid in 1 h is 1,869 km/h.
  TestInput in = Trip(kBerlin, kMadrid, absl::Hours(1));
  GeoVelocitySettings& g = MutableSettings<GeoVelocitySettings>(&in.config);
  g.max_speed_kmh = 2000;
  EXPECT_EQ(Evaluate(in).score, 0);
  g.max_speed_kmh = 900;
  g.full_score_speed_factor = 1.5;  // 1 at 1,350 km/h
  EXPECT_EQ(Evaluate(in).score, 1);
  g.max_speed_kmh = 1000;
  g.full_score_speed_factor = 2;
  g.min_distance_km = 1900;
  EXPECT_EQ(Evaluate(in).score, 0);
}

TEST(GeoVelocityTest, GeoLookupFailureFollowsOnError) {
  struct Case {
    OnError on_error;
    double score;
  };
  for (const Case& c : {Case{OnError::kOpen, 0}, Case{OnError::kClosed, 1}}) {
    SCOPED_TRACE(c.on_error == OnError::kOpen ? "open" : "closed");
    TestInput in = Trip(kBerlin, kPotsdam, absl::Hours(5));  // harmless trip
    in.geo_failed = true;
    in.geo = GeoInfo();  // a failed lookup knows nothing
    MutableSettings<GeoVelocitySettings>(&in.config).on_error = c.on_error;
    const SignalResult r = Evaluate(in);
    EXPECT_TRUE(r.failed);
    EXPECT_EQ(r.score, c.score);
    EXPECT_EQ(r.detail, "GeoIP lookup failed");
  }
}

}  // namespace
}  // namespace vigil::internal
