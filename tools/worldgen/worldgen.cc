// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/worldgen/worldgen.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <random>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/worldgen/browsers.h"

namespace vigil::tools::worldgen {
namespace {

constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute,
                  kDay = 24 * kHour;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

enum Kind : uint8_t {
  kLegit,
  kLegitTravel,
  kLegitNewDevice,
  kLegitTypo,
  kAtoNaive,
  kAtoVpn,
  kAtoTargeted,
  kAtoImpossibleTravel,
  kStuffing,
  kSpray,
  kKindCount
};
const char* const kKindNames[kKindCount] = {
    "legit",     "legit_travel", "legit_new_device", "legit_typo",
    "ato_naive", "ato_vpn",      "ato_targeted",     "ato_impossible_travel",
    "stuffing",  "spray"};
bool IsAttack(Kind k) { return k >= kAtoNaive; }

enum Type : uint8_t { kSignIn, kSignUp, kPasswordChange, kForgotPassword };
const char* const kTypeNames[] = {"sign_in", "sign_up", "password_change",
                                  "forgot_password"};

// Passwords are ids; 1..7 are the most common passwords (their real SHA-1),
// any other id is rendered as a pseudo-random hash.
constexpr int kCommonPasswords = 7;
const char* const kCommonSha1[kCommonPasswords] = {
    "7C4A8D09CA3762AF61E59520943DC26494F8941B",   // 123456
    "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8",   // password
    "F7C3BC1D808E04732ADF679965CCC34CA7AE3441",   // 123456789
    "7C222FB2927D828AF22F592134E8932480637C0D",   // 12345678
    "B1B3773A05C0ED0176787A4F1574FF0075F7521E",   // qwerty
    "3D4F2BF07DC1BE38B20CD6E46949A1071F9D0E3D",   // 111111
    "70CCD9007338D6D81DD3B6271621B9CF9A97EA00"};  // Password1

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t Mix(uint64_t a, uint64_t b) { return Mix(a ^ Mix(b)); }
uint64_t Mix(uint64_t a, uint64_t b, uint64_t c) { return Mix(Mix(a, b), c); }

// Tags that keep the random streams of the parts apart.
enum Tag : uint64_t {
  kTagUser = 1,
  kTagUserId,
  kTagName,
  kTagKey,
  kTagFingerprint,
  kTagPassword,
  kTagProfiles,
  kTagStuffing,
  kTagSpray,
  kTagCarrier
};

struct Event {
  int64_t ms;
  uint64_t key;       // device key id; 0: none
  uint64_t fp;        // fingerprint id; 0: none
  uint64_t password;  // password id
  int32_t user;       // >= 0: an account; < 0: a name that is no account
  uint32_t ip;
  int32_t ua;  // into Generator::uas_
  Type type;
  bool success;
  Kind kind;
  bool takeover;
};

struct Household {
  int place, net;
  bool cgnat;
  bool shared_computer;
  Browser browser;
  uint32_t variant;
  uint64_t fp;
};

struct Office {
  int place, net;
  uint8_t host;  // the office's NAT address
};

struct Profile {
  int place = 0;
  int net = 0;  // home ISP network
  int household = -1;
  int office = -1;
  int carrier = 0;  // index into the country's carriers
  bool cgnat = false;
  bool low_activity = false;
  bool vpn = false;
  int vpn_net = -1;
  int64_t active_from = 0;  // sign-up time, or the start
  bool signs_up = false;
  uint64_t password0 = 0;
  bool leaked = false;
};

struct Device {
  Browser browser;
  int lag;
  uint32_t variant;
  uint64_t fp;
  uint64_t key = 0;
  bool privacy = false;
  bool work = false;
  bool acquired = false;  // bought during the period
  bool used = false;
  int64_t since = 0, until = kNever;
};

struct Trip {
  int64_t from, to;
  int place;
};

// An attempt on a user's account by an attacker, or a step that follows one.
struct Attacker {
  Kind kind;
  uint32_t ip;
  int32_t ua;
  uint64_t fp;
  uint64_t password;         // what the attacker will type
  bool right_password_kind;  // a takeover kind that may change the password /
                             // return
};

// A stuffing or spraying attempt on an account.
struct Hit {
  int64_t ms;
  Attacker attacker;
};

struct AgendaItem {
  int64_t ms;
  int64_t seq;
  enum What : uint8_t { kSession, kAttack, kChange, kReturn } what;
  int attacker;  // into the user's attackers; -1 for a session
  bool operator>(const AgendaItem& o) const {
    return ms != o.ms ? ms > o.ms : seq > o.seq;
  }
};

class Generator {
 public:
  Generator(const World& world, const Options& o) : w_(world), o_(o) {
    start_ms_ = absl::ToUnixMillis(o.start);
    end_ms_ = start_ms_ + o.days * kDay;
    place_continent_.reserve(w_.places.size());
    for (const Place& p : w_.places)
      place_continent_.push_back(ContinentOf(p.country));
    for (size_t n = 0; n < w_.networks.size(); ++n) {
      if (!w_.networks[n].hosting) continue;
      hosting_by_continent_[place_continent_[w_.networks[n].place]].push_back(
          static_cast<int>(n));
    }
  }

  absl::Status Run(std::ostream& out, Stats* stats) {
    MakeProfiles();
    hits_.assign(o_.users, {});
    Stuffing();
    Spray();
    if (o_.progress != nullptr) o_.progress->SetTotal(o_.users);
    for (int u = 0; u < o_.users; ++u) {
      if (o_.progress != nullptr && u % 256 == 0) o_.progress->Update(u);
      User(u);
      std::vector<Hit>().swap(hits_[u]);
    }
    if (o_.progress != nullptr) o_.progress->Update(o_.users);
    std::stable_sort(
        events_.begin(), events_.end(),
        [](const Event& a, const Event& b) { return a.ms < b.ms; });
    return Write(out, stats);
  }

 private:
  // ---- the world's places and networks

  uint32_t Ip(int net, uint32_t host) const {
    return w_.networks[net].base + 1 + host % 254;
  }
  const std::string& CountryOfNet(int net) const {
    return w_.places[w_.networks[net].place].country;
  }
  const char* ContinentOfNet(int net) const {
    return place_continent_[w_.networks[net].place];
  }
  int RandomHomePlace(std::mt19937_64& rng) const {
    return w_.home_places[rng() % w_.home_places.size()];
  }
  int RandomNetIn(int place, std::mt19937_64& rng) const {
    const std::vector<int>& nets = w_.places[place].networks;
    return nets[rng() % nets.size()];
  }
  int RandomResidential(std::mt19937_64& rng) const {
    return RandomNetIn(RandomHomePlace(rng), rng);
  }
  int RandomHosting(std::mt19937_64& rng) const {
    return w_.hosting[rng() % w_.hosting.size()];
  }

  // A country's mobile carriers: its (up to) three ASNs with the most
  // networks, each with up to six of their networks as address pools.
  const std::vector<std::vector<int>>& Carriers(const std::string& country) {
    auto it = carriers_.find(country);
    if (it != carriers_.end()) return it->second;
    std::vector<std::vector<int>>& c = carriers_[country];
    const auto found = w_.by_country.find(country);
    if (found == w_.by_country.end()) return c;
    absl::flat_hash_map<uint32_t, std::vector<int>> by_asn;
    for (int n : found->second) by_asn[w_.networks[n].asn].push_back(n);
    std::vector<std::pair<uint32_t, std::vector<int>*>> order;
    for (auto& [asn, nets] : by_asn) order.emplace_back(asn, &nets);
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      return a.second->size() != b.second->size()
                 ? a.second->size() > b.second->size()
                 : a.first < b.first;
    });
    for (size_t i = 0; i < order.size() && i < 3; ++i) {
      std::vector<int> nets = *order[i].second;
      std::sort(nets.begin(), nets.end());
      std::mt19937_64 rng(Mix(o_.seed, kTagCarrier, order[i].first));
      std::shuffle(nets.begin(), nets.end(), rng);
      nets.resize(std::min<size_t>(nets.size(), 6));
      c.push_back(std::move(nets));
    }
    return c;
  }

  // The network of the ISP of `net` that carries its CGNAT pool in the
  // country: its first network there.
  int CgnatGateway(int net) {
    const std::pair<std::string, uint32_t> isp(CountryOfNet(net),
                                               w_.networks[net].asn);
    auto it = cgnat_gateways_.find(isp);
    if (it != cgnat_gateways_.end()) return it->second;
    int gateway = net;
    for (int n : w_.by_country.at(isp.first)) {
      if (w_.networks[n].asn == isp.second) {
        gateway = std::min(gateway, n);
      }
    }
    cgnat_gateways_.emplace(isp, gateway);
    return gateway;
  }

  // ---- ids

  // A fresh id for a key, fingerprint or password: never 0 ("none") nor one
  // of the common passwords.
  uint64_t NewId(std::mt19937_64& rng) { return rng() | 1u << 8; }

  int32_t Ua(const std::string& s) {
    auto [it, added] =
        ua_index_.try_emplace(s, static_cast<int32_t>(uas_.size()));
    if (added) uas_.push_back(s);
    return it->second;
  }

  // ---- people

  void MakeProfiles() {
    std::mt19937_64 rng(Mix(o_.seed, kTagProfiles));
    std::uniform_real_distribution<double> u01(0, 1);
    profiles_.resize(o_.users);
    absl::flat_hash_map<int, std::vector<int>> offices_by_place;
    int household_left = 0;
    for (int u = 0; u < o_.users; ++u) {
      Profile& p = profiles_[u];
      if (household_left > 0) {
        // The next member of the household started by an earlier user.
        --household_left;
        p.household = static_cast<int>(households_.size()) - 1;
        const Household& h = households_.back();
        p.place = h.place;
        p.net = h.net;
        p.cgnat = h.cgnat;
      } else {
        p.place = RandomHomePlace(rng);
        p.net = RandomNetIn(p.place, rng);
        p.cgnat = u01(rng) < o_.cgnat_share;
        // Households of 2-4 users (3 on average), started so that
        // household_share of the users live in one.
        const double mean_size = 3;
        if (u01(rng) <
            o_.household_share / mean_size * 1.0 /
                (1 - o_.household_share + o_.household_share / mean_size)) {
          household_left = 1 + static_cast<int>(rng() % 3);
          Household h;
          h.place = p.place;
          h.net = p.net;
          h.cgnat = p.cgnat;
          h.shared_computer = u01(rng) < o_.shared_device_share;
          h.browser = PickBrowser(Form::kDesktop, u01(rng));
          h.variant = static_cast<uint32_t>(rng());
          h.fp = NewId(rng);
          households_.push_back(h);
          p.household = static_cast<int>(households_.size()) - 1;
        }
      }
      if (u01(rng) < o_.office_share) {
        std::vector<int>& here = offices_by_place[p.place];
        if (!here.empty() && u01(rng) < 0.7) {
          p.office = here[rng() % here.size()];
        } else {
          offices_.push_back({p.place, RandomNetIn(p.place, rng),
                              static_cast<uint8_t>(rng() % 254)});
          p.office = static_cast<int>(offices_.size()) - 1;
          here.push_back(p.office);
        }
      }
      const double c = u01(rng);
      p.carrier = c < 0.5 ? 0 : c < 0.8 ? 1 : 2;
      p.low_activity = u01(rng) < o_.low_activity_share;
      p.vpn = u01(rng) < o_.vpn_share;
      if (p.vpn) {
        // Most VPN users pick an exit in their own country.
        const std::string& country = w_.places[p.place].country;
        auto it = w_.hosting_by_country.find(country);
        p.vpn_net = it != w_.hosting_by_country.end() && u01(rng) < 0.6
                        ? it->second[rng() % it->second.size()]
                        : RandomHosting(rng);
      }
      p.signs_up = u01(rng) < o_.sign_up_share;
      p.active_from =
          p.signs_up ? start_ms_ + static_cast<int64_t>(
                                       u01(rng) * (end_ms_ - start_ms_ - kDay))
                     : start_ms_;
      if (u01(rng) < o_.weak_share) {
        p.password0 = 1 + rng() % kCommonPasswords;
      } else {
        p.password0 = NewId(rng);
        p.leaked = u01(rng) < o_.leaked_share;
      }
    }
  }

  double SessionsPerDay(const Profile& p, std::mt19937_64& rng) const {
    std::lognormal_distribution<double> spread(0, p.low_activity ? 0.3 : 0.9);
    const double base = p.low_activity ? 1.0 / 30 : 0.25;
    return std::clamp(base * spread(rng), 1.0 / 60, 5.0);
  }

  // Local hour offset of a place, from its longitude.
  int UtcOffsetHours(int place) const {
    return static_cast<int>(std::lround(w_.places[place].longitude / 15));
  }

  void User(int u) {
    const Profile& p = profiles_[u];
    std::mt19937_64 rng(Mix(o_.seed, kTagUser, u));
    std::uniform_real_distribution<double> u01(0, 1);
    const std::string& home_country = w_.places[p.place].country;
    const std::vector<std::vector<int>>& carriers = Carriers(home_country);
    const std::vector<int>* carrier =
        carriers.empty()
            ? nullptr
            : &carriers[std::min<size_t>(p.carrier, carriers.size() - 1)];
    const Household* household =
        p.household >= 0 ? &households_[p.household] : nullptr;

    // Devices. The first is the main one: the computer if there is one.
    std::vector<Device> devices;
    auto make = [&](Form form, int64_t since, bool acquired) {
      Device d;
      d.browser = PickBrowser(form, u01(rng));
      d.lag = u01(rng) < 0.7 ? 0 : 1 + static_cast<int>(rng() % 3);
      d.variant = static_cast<uint32_t>(rng());
      d.fp = NewId(rng);
      d.privacy = u01(rng) < o_.privacy_share;
      d.acquired = acquired;
      d.since = since;
      // Accounts that exist before the period have keys on their devices.
      if (!d.privacy && !acquired && !p.signs_up && u01(rng) < 0.97)
        d.key = NewId(rng);
      return d;
    };
    const bool has_computer = u01(rng) < 0.75;
    if (has_computer) {
      devices.push_back(make(Form::kDesktop, 0, false));
      if (household != nullptr && household->shared_computer) {
        devices.back().browser = household->browser;
        devices.back().variant = household->variant;
        devices.back().fp = household->fp;
        devices.back().lag = 0;
      }
    }
    if (!has_computer || u01(rng) < 0.93)
      devices.push_back(make(Form::kPhone, 0, false));
    if (u01(rng) < 0.15) devices.push_back(make(Form::kTablet, 0, false));
    if (p.office >= 0) {
      devices.push_back(make(Form::kDesktop, 0, false));
      devices.back().work = true;
    }
    const Browser main_browser = devices[0].browser;

    // New devices during the period: a new phone or computer replaces the
    // old one, a tablet is added.
    for (int64_t t = p.active_from; o_.new_device_rate > 0;) {
      const double gap =
          std::exponential_distribution<double>(o_.new_device_rate / 365)(rng);
      if (t + gap * kDay >= static_cast<double>(end_ms_)) break;
      t += static_cast<int64_t>(gap * kDay);
      const double what = u01(rng);
      const Form form = what < 0.55  ? Form::kPhone
                        : what < 0.9 ? Form::kDesktop
                                     : Form::kTablet;
      for (Device& d : devices) {
        if (!d.work && FormOf(d.browser) == form && d.until == kNever &&
            form != Form::kTablet) {
          d.until = t;
          break;
        }
      }
      devices.push_back(make(form, t, true));
    }

    // Trips: domestic, elsewhere on the continent, or far away.
    std::vector<Trip> trips;
    for (int64_t t = p.active_from; o_.travel_rate > 0;) {
      const double gap =
          std::exponential_distribution<double>(o_.travel_rate / 365)(rng);
      if (t + gap * kDay >= static_cast<double>(end_ms_)) break;
      t += static_cast<int64_t>(gap * kDay);
      const int64_t length = (2 + static_cast<int64_t>(rng() % 9)) * kDay;
      const double where = u01(rng);
      int dest = -1;
      for (int tries = 0; tries < 50 && dest < 0; ++tries) {
        int cand;
        if (where < 0.55) {
          const auto it = w_.by_country.find(home_country);
          cand = w_.networks[it->second[rng() % it->second.size()]].place;
        } else {
          cand = RandomHomePlace(rng);
        }
        if (cand == p.place) continue;
        const bool same_continent =
            std::string(place_continent_[cand]) == place_continent_[p.place];
        if (where >= 0.55 && where < 0.85 &&
            (w_.places[cand].country == home_country || !same_continent))
          continue;
        if (where >= 0.85 && same_continent) continue;
        dest = cand;
      }
      if (dest >= 0) trips.push_back({t, t + length, dest});
      t += length;
    }
    auto trip_at = [&](int64_t ms) -> const Trip* {
      for (const Trip& t : trips) {
        if (t.from <= ms && ms < t.to) return &t;
      }
      return nullptr;
    };

    // When the user signs in: a number of sessions each day at the hours
    // people do, in local time.
    static const double kHourWeights[24] = {
        0.3, 0.15, 0.1, 0.08, 0.08, 0.15, 0.5, 1.0, 1.4, 1.5, 1.4, 1.3,
        1.4, 1.3,  1.2, 1.2,  1.2,  1.3,  1.4, 1.6, 1.7, 1.5, 1.0, 0.6};
    std::discrete_distribution<int> hour_of_day(std::begin(kHourWeights),
                                                std::end(kHourWeights));
    const double rate = SessionsPerDay(p, rng);
    std::priority_queue<AgendaItem, std::vector<AgendaItem>, std::greater<>>
        agenda;
    int64_t seq = 0;
    std::vector<int64_t> sessions;
    for (int day = 0; day < o_.days; ++day) {
      const int64_t day_ms = start_ms_ + day * kDay;
      const int64_t weekday = (day_ms / kDay + 4) % 7;  // 0: Sunday
      const bool weekend = weekday == 0 || weekday == 6;
      const int n =
          std::poisson_distribution<int>(rate * (weekend ? 0.85 : 1.06))(rng);
      const Trip* trip = trip_at(day_ms + 12 * kHour);
      const int offset =
          UtcOffsetHours(trip != nullptr ? trip->place : p.place);
      for (int i = 0; i < n; ++i) {
        const int64_t ms = day_ms + (hour_of_day(rng) - offset) * kHour +
                           static_cast<int64_t>(rng() % kHour);
        if (ms > p.active_from + kMinute && ms < end_ms_ && ms >= start_ms_) {
          sessions.push_back(ms);
        }
      }
    }
    for (int64_t ms : sessions)
      agenda.push({ms, seq++, AgendaItem::kSession, -1});

    // Right-password takeovers.
    std::vector<Attacker> attackers;
    const int64_t earliest_attack = std::max(p.active_from, start_ms_) + kDay;
    auto uniform_time = [&] {
      return earliest_attack +
             static_cast<int64_t>(u01(rng) * (end_ms_ - earliest_attack));
    };
    auto modern_ua = [&](int64_t ms) {
      const Form f = u01(rng) < 0.75 ? Form::kDesktop : Form::kPhone;
      return Ua(UserAgent(PickBrowser(f, u01(rng)), ms,
                          static_cast<int>(rng() % 3),
                          static_cast<uint32_t>(rng())));
    };
    const double ato_rates[4] = {o_.ato_naive, o_.ato_vpn, o_.ato_targeted,
                                 o_.ato_impossible_travel};
    bool impossible_pending = false;
    for (int k = 0; k < 4 && earliest_attack < end_ms_; ++k) {
      if (u01(rng) >= ato_rates[k]) continue;
      const Kind kind = static_cast<Kind>(kAtoNaive + k);
      Attacker a{kind, 0, 0, NewId(rng), 0, true};
      const int64_t when = uniform_time();
      if (kind == kAtoNaive) {
        int net = -1;
        for (int tries = 0; tries < 100; ++tries) {
          net = u01(rng) < 0.4 ? RandomHosting(rng) : RandomResidential(rng);
          if (CountryOfNet(net) != home_country) break;
        }
        a.ip = Ip(net, static_cast<uint32_t>(rng()));
        a.ua = u01(rng) < 0.6
                   ? Ua(OutdatedUserAgent(when, static_cast<uint32_t>(rng())))
                   : modern_ua(when);
      } else if (kind == kAtoVpn) {
        const auto it = w_.hosting_by_country.find(home_country);
        int net;
        if (it != w_.hosting_by_country.end()) {
          net = it->second[rng() % it->second.size()];
        } else {
          // No hosting network in the country: the nearest exits are on the
          // continent.
          const auto c = hosting_by_continent_.find(place_continent_[p.place]);
          net = c != hosting_by_continent_.end()
                    ? c->second[rng() % c->second.size()]
                    : RandomHosting(rng);
        }
        a.ip = Ip(net, static_cast<uint32_t>(rng()));
        a.ua = modern_ua(when);
      } else if (kind == kAtoTargeted) {
        // Someone close: same city, often the same ISP, the victim's browser
        // family and OS.
        const uint32_t asn = w_.networks[p.net].asn;
        std::vector<int> same_isp;
        for (int n : w_.places[p.place].networks) {
          if (w_.networks[n].asn == asn) same_isp.push_back(n);
        }
        const int net = u01(rng) < 0.6 ? same_isp[rng() % same_isp.size()]
                                       : RandomNetIn(p.place, rng);
        a.ip = Ip(net, static_cast<uint32_t>(rng()));
        a.ua =
            Ua(UserAgent(main_browser, when, 0, static_cast<uint32_t>(rng())));
      } else {
        // Placed minutes after one of the victim's own sign-ins.
        a.ua = modern_ua(when);
        impossible_pending = true;
      }
      attackers.push_back(a);
      if (kind != kAtoImpossibleTravel) {
        agenda.push({when, seq++, AgendaItem::kAttack,
                     static_cast<int>(attackers.size()) - 1});
      }
    }
    int impossible_attacker = -1;
    int64_t impossible_after = kNever;
    if (impossible_pending) {
      impossible_attacker = static_cast<int>(attackers.size()) - 1;
      std::vector<int64_t> later;
      for (int64_t ms : sessions) {
        if (ms >= earliest_attack) later.push_back(ms);
      }
      if (!later.empty()) {
        std::sort(later.begin(), later.end());
        impossible_after = later[rng() % later.size()];
      }
    }
    // Stuffing and spraying attempts on this account.
    for (const Hit& h : hits_[u]) {
      attackers.push_back(h.attacker);
      agenda.push({h.ms, seq++, AgendaItem::kAttack,
                   static_cast<int>(attackers.size()) - 1});
    }

    // ---- the story, in time order
    uint64_t password = p.password0;    // the valid one
    uint64_t remembered = p.password0;  // the user's
    bool locked_out = false;            // the attacker changed the password
    if (p.signs_up) {
      Device& d = devices[u01(rng) < 0.6 && devices.size() > 1 ? 1 : 0];
      Emit(p.active_from, u,
           Address(p, household, carrier, trip_at(p.active_from), d,
                   p.active_from, rng, false),
           Ua(UserAgent(d.browser, p.active_from, d.lag, d.variant)), 0, d.fp,
           password, kSignUp, true, kLegit);
    }
    while (!agenda.empty()) {
      const AgendaItem item = agenda.top();
      agenda.pop();
      if (item.what == AgendaItem::kSession) {
        const int64_t done =
            Session(u, p, household, carrier, trip_at(item.ms), devices,
                    item.ms, rate, &password, &remembered, &locked_out, rng);
        if (impossible_attacker >= 0 && item.ms == impossible_after) {
          // From another continent than where the victim just signed in.
          const Trip* trip = trip_at(item.ms);
          const std::string here =
              place_continent_[trip != nullptr ? trip->place : p.place];
          int net = -1;
          for (int tries = 0; tries < 200; ++tries) {
            net = u01(rng) < 0.4 ? RandomHosting(rng) : RandomResidential(rng);
            const std::string there = ContinentOfNet(net);
            if (!there.empty() && !here.empty() && there != here) break;
          }
          attackers[impossible_attacker].ip =
              Ip(net, static_cast<uint32_t>(rng()));
          agenda.push({done + (2 + static_cast<int64_t>(rng() % 28)) * kMinute +
                           static_cast<int64_t>(rng() % kMinute),
                       seq++, AgendaItem::kAttack, impossible_attacker});
          impossible_attacker = -1;
        }
        continue;
      }
      Attacker& a = attackers[item.attacker];
      const bool exists = item.ms >= p.active_from;
      if (item.what == AgendaItem::kAttack && a.right_password_kind) {
        a.password = password;
      }
      if (item.what == AgendaItem::kChange) {
        const uint64_t next = NewId(rng);
        EmitAttacker(item.ms, u, a, next, kPasswordChange, true, true);
        password = next;
        a.password = next;
        locked_out = true;
        continue;
      }
      const bool success = exists && a.password == password;
      EmitAttacker(item.ms, u, a, a.password, kSignIn, success, success);
      if (item.what == AgendaItem::kAttack && a.right_password_kind &&
          success) {
        if (u01(rng) < o_.password_change_probability) {
          agenda.push({item.ms +
                           (2 + static_cast<int64_t>(rng() % 18)) * kMinute +
                           static_cast<int64_t>(rng() % kMinute),
                       seq++, AgendaItem::kChange, item.attacker});
        }
        if (u01(rng) < o_.return_probability) {
          agenda.push({item.ms +
                           (2 + static_cast<int64_t>(rng() % 10)) * kHour +
                           static_cast<int64_t>(rng() % kHour),
                       seq++, AgendaItem::kReturn, item.attacker});
        }
      }
    }
  }

  // Where a session comes from for device `d`: the address.
  uint32_t Address(const Profile& p, const Household* h,
                   const std::vector<int>* carrier, const Trip* trip,
                   const Device& d, int64_t ms, std::mt19937_64& rng,
                   bool at_office) {
    std::uniform_real_distribution<double> u01(0, 1);
    const Form form = FormOf(d.browser);
    auto mobile = [&]() -> uint32_t {
      if (carrier == nullptr || carrier->empty())
        return Ip(p.net, static_cast<uint32_t>(rng()));
      // A carrier's subscribers share its addresses.
      return Ip((*carrier)[rng() % carrier->size()],
                static_cast<uint32_t>(rng()));
    };
    if (p.vpn && form != Form::kPhone ? u01(rng) < 0.75
                                      : p.vpn && u01(rng) < 0.3) {
      return Ip(p.vpn_net, static_cast<uint32_t>(rng() % 8));
    }
    if (trip != nullptr) {
      if (form == Form::kPhone && u01(rng) < 0.45) return mobile();  // roaming
      // Hotel, café or host's network at the destination.
      return Ip(RandomNetIn(trip->place, rng), static_cast<uint32_t>(rng()));
    }
    if (at_office && p.office >= 0) {
      const Office& office = offices_[p.office];
      if (form != Form::kPhone || u01(rng) < 0.6)
        return Ip(office.net, office.host);
      return mobile();
    }
    if (form == Form::kPhone && u01(rng) < 0.35) return mobile();
    const bool cgnat = h != nullptr ? h->cgnat : p.cgnat;
    const int net = h != nullptr ? h->net : p.net;
    // Behind carrier-grade NAT, all of the ISP's customers in the country
    // share a pool of 8 addresses (at the ISP's gateway, which may
    // geolocate to another city).
    if (cgnat) return Ip(CgnatGateway(net), static_cast<uint32_t>(rng() % 8));
    // A home address changes with the DHCP lease (weeks to months).
    const uint64_t lease_days =
        20 + Mix(o_.seed, net, h != nullptr ? 7 : 11) % 70;
    const uint64_t who = h != nullptr
                             ? static_cast<uint64_t>(p.household) + (1ULL << 40)
                             : static_cast<uint64_t>(&p - profiles_.data());
    const uint64_t epoch = static_cast<uint64_t>(ms / kDay) / lease_days;
    return Ip(net, static_cast<uint32_t>(16 + Mix(o_.seed, who, epoch) % 238));
  }

  // One legitimate session at `ms`: maybe a typo, a forgotten password, the
  // recovery after an attacker's password change; then the sign-in. Returns
  // when it succeeded.
  int64_t Session(int u, const Profile& p, const Household* h,
                  const std::vector<int>* carrier, const Trip* trip,
                  std::vector<Device>& devices, int64_t ms, double rate,
                  uint64_t* password, uint64_t* remembered, bool* locked_out,
                  std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u01(0, 1);
    const int local_hour = static_cast<int>(
        ((ms / kHour +
          UtcOffsetHours(trip != nullptr ? trip->place : p.place)) %
             24 +
         24) %
        24);
    const int64_t weekday = (ms / kDay + 4) % 7;
    const bool at_office = p.office >= 0 && trip == nullptr && weekday != 0 &&
                           weekday != 6 && local_hour >= 9 && local_hour < 18 &&
                           u01(rng) < 0.8;
    // Pick a device in use now.
    double best = -1;
    Device* d = nullptr;
    for (Device& c : devices) {
      if (c.since > ms || c.until <= ms) continue;
      double weight;
      switch (FormOf(c.browser)) {
        case Form::kPhone:
          weight = trip != nullptr ? 0.75 : 0.55;
          break;
        case Form::kTablet:
          weight = trip != nullptr ? 0.02 : 0.1;
          break;
        default:
          weight =
              c.work ? (at_office ? 0.9 : 0.03) : (at_office ? 0.05 : 0.35);
          if (trip != nullptr) weight = c.work ? 0.05 : 0.2;
      }
      // A newly bought device is used right away.
      if (c.acquired && !c.used) weight *= 4;
      const double draw =
          weight * u01(rng);  // weighted choice by the max of scaled draws
      if (draw > best) best = draw, d = &c;
    }
    if (d == nullptr) d = &devices[0];
    const uint32_t ip = Address(p, h, carrier, trip, *d, ms, rng, at_office);
    const int32_t ua = Ua(UserAgent(d->browser, ms, d->lag, d->variant));
    uint64_t fp = d->fp;
    if (d->privacy && u01(rng) < 0.5)
      fp = NewId(rng);  // fingerprint protection
    if (!d->privacy && d->key != 0 && u01(rng) < o_.lost_key_rate)
      d->key = 0;  // cleared
    const uint64_t key = d->privacy ? 0 : d->key;
    Kind kind = kLegit;
    if (d->acquired && !d->used) {
      kind = kLegitNewDevice;
    } else if (trip != nullptr) {
      kind = kLegitTravel;
    }
    int64_t t = ms;
    auto step = [&](int64_t lo_s, int64_t hi_s) {
      t += (lo_s + static_cast<int64_t>(rng() % (hi_s - lo_s + 1))) * kSecond +
           static_cast<int64_t>(rng() % kSecond);
    };
    // Per session, so that a user resets forgot_rate times a year.
    const bool forgot = *locked_out || u01(rng) < o_.forgot_rate / 365 / rate;
    if (forgot) {
      // The password does not work (forgotten, or changed by an attacker):
      // a few tries, the reset mail, a new password.
      const int tries = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < tries; ++i) {
        Emit(t, u, ip, ua, key, fp, *locked_out ? *remembered : NewId(rng),
             kSignIn, false, kLegit);
        step(8, 40);
      }
      Emit(t, u, ip, ua, key, fp, *remembered, kForgotPassword, true, kLegit);
      step(60, 600);
      *password = *remembered = NewId(rng);
      *locked_out = false;
      Emit(t, u, ip, ua, key, fp, *password, kPasswordChange, true, kLegit);
      step(5, 60);
    } else if (u01(rng) < o_.typo_rate) {
      Emit(t, u, ip, ua, key, fp, NewId(rng), kSignIn, false,
           kind == kLegit ? kLegitTypo : kind);
      step(4, 45);
      if (kind == kLegit) kind = kLegitTypo;
    }
    Emit(t, u, ip, ua, key, fp, *password, kSignIn, true, kind);
    d->used = true;
    if (!d->privacy && d->key == 0)
      d->key = NewId(rng);   // the device is remembered
    if (u01(rng) < 0.002) {  // a change of password, unprompted
      step(30, 900);
      *password = *remembered = NewId(rng);
      Emit(t, u, ip, ua, d->privacy ? 0 : d->key, fp, *password,
           kPasswordChange, true, kLegit);
    }
    return t;
  }

  void Emit(int64_t ms, int32_t user, uint32_t ip, int32_t ua, uint64_t key,
            uint64_t fp, uint64_t password, Type type, bool success,
            Kind kind) {
    events_.push_back(
        {ms, key, fp, password, user, ip, ua, type, success, kind, false});
  }

  void EmitAttacker(int64_t ms, int32_t user, const Attacker& a,
                    uint64_t password, Type type, bool success, bool takeover) {
    events_.push_back({ms, 0, a.fp, password, user, a.ip, a.ua, type, success,
                       a.kind, takeover});
  }

  // ---- campaigns

  void Stuffing();
  void Spray();

  absl::Status Write(std::ostream& out, Stats* stats);

  const World& w_;
  const Options& o_;
  int64_t start_ms_ = 0, end_ms_ = 0;
  std::vector<const char*> place_continent_;
  absl::flat_hash_map<std::string, std::vector<int>> hosting_by_continent_;
  absl::flat_hash_map<std::string, std::vector<std::vector<int>>> carriers_;
  absl::flat_hash_map<std::pair<std::string, uint32_t>, int> cgnat_gateways_;
  std::vector<Profile> profiles_;
  std::vector<Household> households_;
  std::vector<Office> offices_;
  std::vector<std::vector<Hit>> hits_;
  std::vector<Event> events_;
  std::vector<std::string> uas_;
  absl::flat_hash_map<std::string, int32_t> ua_index_;
};

int Campaigns(double per_week, int days, std::mt19937_64& rng) {
  const double mean = per_week * days / 7.0;
  return mean > 0 ? std::poisson_distribution<int>(mean)(rng) : 0;
}

// Credential stuffing: a botnet of residential and hosting addresses tries a
// combo list of names (many of them no account here) with the passwords
// leaked elsewhere, rotating user agents, mostly without a fingerprint.
void Generator::Stuffing() {
  std::mt19937_64 rng(Mix(o_.seed, kTagStuffing));
  std::uniform_real_distribution<double> u01(0, 1);
  const int campaigns = Campaigns(o_.stuffing_per_week, o_.days, rng);
  for (int c = 0; c < campaigns; ++c) {
    const int64_t length = (1 + static_cast<int64_t>(rng() % 8)) * kHour;
    const int64_t begin =
        start_ms_ +
        static_cast<int64_t>(
            u01(rng) * std::max<int64_t>(0, end_ms_ - start_ms_ - length));
    std::vector<uint32_t> bots(30 + rng() % 370);
    for (uint32_t& ip : bots) {
      ip = Ip(u01(rng) < 0.65 ? RandomResidential(rng) : RandomHosting(rng),
              static_cast<uint32_t>(rng()));
    }
    // Combo lists hold a share of the service's accounts: campaigns scale
    // with the user base (sizes as for 20,000 users).
    const double scale = o_.users / 20000.0;
    const int attempts = static_cast<int>(
        std::max(20.0, scale * std::clamp(std::lognormal_distribution<double>(
                                              std::log(800.0), 0.7)(rng),
                                          100.0, 5000.0)));
    for (int i = 0; i < attempts; ++i) {
      const int64_t ms = begin + static_cast<int64_t>(u01(rng) * length);
      const uint32_t ip = bots[rng() % bots.size()];
      const int32_t ua =
          u01(rng) < 0.25
              ? Ua(OutdatedUserAgent(ms, static_cast<uint32_t>(rng())))
              : Ua(UserAgent(
                    PickBrowser(u01(rng) < 0.7 ? Form::kDesktop : Form::kPhone,
                                u01(rng)),
                    ms, static_cast<int>(rng() % 7),
                    static_cast<uint32_t>(rng())));
      const uint64_t fp = u01(rng) < 0.15 ? NewId(rng) : 0;
      if (u01(rng) < 0.45) {
        const int user = static_cast<int>(rng() % o_.users);
        const Profile& p = profiles_[user];
        const uint64_t tried = p.leaked ? p.password0 : NewId(rng);
        hits_[user].push_back({ms, {kStuffing, ip, ua, fp, tried, false}});
      } else {
        const int32_t name = -1 - static_cast<int32_t>(rng() & 0x3fffffff);
        events_.push_back({ms, 0, fp, NewId(rng), name, ip, ua, kSignIn, false,
                           kStuffing, false});
      }
    }
  }
}

// Password spraying: a few hosting addresses try a few common passwords on
// many accounts, one password per round, slowly.
void Generator::Spray() {
  std::mt19937_64 rng(Mix(o_.seed, kTagSpray));
  std::uniform_real_distribution<double> u01(0, 1);
  const int campaigns = Campaigns(o_.spray_per_week, o_.days, rng);
  for (int c = 0; c < campaigns; ++c) {
    std::vector<uint32_t> ips(2 + rng() % 4);
    for (uint32_t& ip : ips)
      ip = Ip(RandomHosting(rng), static_cast<uint32_t>(rng()));
    std::vector<uint64_t> passwords;
    for (uint64_t i = 1; i <= kCommonPasswords; ++i) passwords.push_back(i);
    std::shuffle(passwords.begin(), passwords.end(), rng);
    passwords.resize(2 + rng() % 3);
    const int64_t begin =
        start_ms_ +
        static_cast<int64_t>(
            u01(rng) * std::max<int64_t>(0, end_ms_ - start_ms_ - 3 * kDay));
    int32_t uas[2];
    for (int32_t& ua : uas) {
      ua = Ua(UserAgent(kChromeWindows, begin, static_cast<int>(rng() % 4),
                        static_cast<uint32_t>(rng())));
    }
    std::vector<int32_t> targets(std::max<size_t>(
        10, static_cast<size_t>(o_.users / 20000.0 *
                                static_cast<double>(200 + rng() % 1300))));
    for (int32_t& t : targets) {
      t = u01(rng) < 0.9 ? static_cast<int32_t>(rng() % o_.users)
                         : -1 - static_cast<int32_t>(rng() & 0x3fffffff);
    }
    int64_t round = begin;
    for (uint64_t password : passwords) {
      for (int32_t t : targets) {
        const int64_t ms = round + static_cast<int64_t>(u01(rng) * 3 * kHour);
        const uint32_t ip = ips[rng() % ips.size()];
        const int32_t ua = uas[rng() % 2];
        if (t >= 0) {
          hits_[t].push_back({ms, {kSpray, ip, ua, 0, password, false}});
        } else {
          events_.push_back(
              {ms, 0, 0, password, t, ip, ua, kSignIn, false, kSpray, false});
        }
      }
      round += (4 + static_cast<int64_t>(rng() % 7)) * kHour;
    }
  }
}

absl::Status Generator::Write(std::ostream& out, Stats* stats) {
  Stats s;
  std::string buf;
  buf.reserve(1 << 21);
  const absl::TimeZone utc = absl::UTCTimeZone();
  for (const Event& e : events_) {
    const uint64_t id =
        e.user >= 0
            ? Mix(o_.seed, kTagUserId, static_cast<uint64_t>(e.user))
            : Mix(o_.seed, kTagName, static_cast<uint64_t>(-(int64_t{e.user})));
    absl::StrAppend(
        &buf, "{\"event_type\":\"", kTypeNames[e.type], "\",\"user_id\":\"",
        absl::StrFormat("u-%012x", id & 0xffffffffffffULL), "\",\"ip\":\"",
        Ipv4ToString(e.ip), "\",\"user_agent\":\"", uas_[e.ua], "\"");
    if (e.key != 0) {
      const uint64_t a = Mix(o_.seed, kTagKey, e.key), b = Mix(a);
      absl::StrAppendFormat(
          &buf, ",\"device_key\":\"us-east-1_%08x-%04x-4%03x-%04x-%012x\"",
          a >> 32, (a >> 16) & 0xffff, a & 0xfff, ((b >> 48) & 0x3fff) | 0x8000,
          b & 0xffffffffffffULL);
    }
    if (e.fp != 0) {
      const uint64_t a = Mix(o_.seed, kTagFingerprint, e.fp);
      absl::StrAppendFormat(&buf, ",\"device_fingerprint\":\"%016x%016x\"", a,
                            Mix(a));
    }
    absl::StrAppend(&buf, ",\"timestamp\":\"",
                    absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                                     absl::FromUnixMillis(e.ms), utc),
                    "\",\"password_sha1\":\"");
    if (e.password >= 1 && e.password <= kCommonPasswords) {
      buf += kCommonSha1[e.password - 1];
    } else {
      const uint64_t a = Mix(o_.seed, kTagPassword, e.password), b = Mix(a),
                     c = Mix(b);
      absl::StrAppendFormat(&buf, "%016X%016X%08X", a, b, c >> 32);
    }
    const bool attack = IsAttack(e.kind);
    absl::StrAppend(
        &buf, "\",\"outcome\":\"", e.success ? "success" : "failure",
        "\",\"label\":{\"account_takeover\":", e.takeover ? "true" : "false",
        ",\"attack\":", attack ? "true" : "false", ",\"kind\":\"",
        kKindNames[e.kind], "\"}}\n");
    ++s.events;
    s.attacks += attack;
    s.takeovers += e.takeover;
    ++s.by_kind[kKindNames[e.kind]];
    if (buf.size() > (1 << 20)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  out.flush();
  if (!out) return absl::UnavailableError("worldgen: write failed");
  if (stats != nullptr) *stats = std::move(s);
  return absl::OkStatus();
}

}  // namespace

absl::Status Generate(const World& world, const Options& options,
                      std::ostream& out, Stats* stats) {
  if (options.users < 1 || options.days < 1) {
    return absl::InvalidArgumentError(
        "worldgen: users and days must be at least 1");
  }
  if (world.home_places.empty() || world.hosting.empty()) {
    return absl::InvalidArgumentError("worldgen: the world has no networks");
  }
  Generator g(world, options);
  return g.Run(out, stats);
}

}  // namespace vigil::tools::worldgen
