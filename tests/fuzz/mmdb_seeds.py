#!/usr/bin/env python3
# Writes the seed corpus of the mmdb_decoder fuzz target
# (tests/fuzz/corpus/mmdb_decoder/): records in the MaxMind DB data-section
# encoding, each prefixed with the target's two selector bytes (database,
# address; see mmdb_decoder_fuzzer.cc). Run from the repository root.
import os
import struct

OUT = 'tests/fuzz/corpus/mmdb_decoder'


def ctrl(type_, size):
    """Control bytes of a value of `type_` (1..15) with `size`."""
    if size < 29:
        s, extra = size, b''
    elif size < 285:
        s, extra = 29, bytes([size - 29])
    elif size < 65821:
        s, extra = 30, struct.pack('>H', size - 285)
    else:
        s, extra = 31, struct.pack('>I', size - 65821)[1:]
    if type_ <= 7:
        return bytes([(type_ << 5) | s]) + extra
    return bytes([s, type_ - 7]) + extra


def string(v):
    b = v.encode()
    return ctrl(2, len(b)) + b


def uint(type_, v, n):
    b = v.to_bytes(n, 'big').lstrip(b'\0')
    return ctrl(type_, len(b)) + b


def double(v):
    return ctrl(3, 8) + struct.pack('>d', v)


def flt(v):
    return ctrl(15, 4) + struct.pack('>f', v)


def boolean(v):
    return ctrl(14, 1 if v else 0)


def map_(items):
    out = ctrl(7, len(items))
    for k, v in items:
        out += string(k) + v
    return out


def array(values):
    return ctrl(11, len(values)) + b''.join(values)


def pointer(target):
    if target < 2048:
        return bytes([0x20 | (target >> 8), target & 0xff])
    raise ValueError(target)


city = map_([
    ('city', map_([('geoname_id', uint(6, 2643743, 4)),
                   ('names', map_([('en', string('London')),
                                   ('de', string('London'))]))])),
    ('continent', map_([('code', string('EU'))])),
    ('country', map_([('iso_code', string('GB')),
                      ('names', map_([('en', string('United Kingdom'))]))])),
    ('location', map_([('accuracy_radius', uint(5, 100, 2)),
                       ('latitude', double(51.5142)),
                       ('longitude', double(-0.0931)),
                       ('time_zone', string('Europe/London'))])),
    ('subdivisions', array([map_([('iso_code', string('ENG')),
                                  ('names', map_([('en', string('England'))]))])])),
])
dbip = map_([('city', string('Linkoping')), ('country_code', string('SE')),
             ('state1', string('Ostergotland')), ('latitude', flt(58.41)),
             ('longitude', flt(15.62)), ('timezone', string('Europe/Stockholm'))])
asn = map_([('autonomous_system_number', uint(6, 1221, 4)),
            ('autonomous_system_organization', string('Telstra Pty Ltd'))])
asn_wide = map_([('autonomous_system_number', uint(10, 15169, 16)),
                 ('autonomous_system_organization', string('Google'))])
anon = map_([('is_anonymous', boolean(True)), ('is_anonymous_vpn', boolean(True)),
             ('is_hosting_provider', boolean(False)), ('is_public_proxy', boolean(False)),
             ('is_residential_proxy', boolean(False)), ('is_tor_exit_node', boolean(True))])
odd = map_([('int', ctrl(8, 4) + b'\xff\xff\xff\xfe'), ('u64', uint(9, 2**40, 8)),
            ('bytes', ctrl(4, 3) + b'\0\1\2'), ('empty', map_([])),
            ('array', array([uint(5, 1, 2), string('x'), array([])])),
            ('big', ctrl(2, 300) + b'y' * 300)])

seeds = {
    'city_nested': (0, 0, city),
    'city_dbip_flat': (0, 1, dbip),
    'city_pointer_to_first_record': (0, 2, pointer(0)),
    'city_keep_after': (0x80, 3, city),
    'asn': (1, 0, asn),
    'asn_uint128': (1, 1, asn_wide),
    'asn_pointer_to_first_record': (1, 2, pointer(0)),
    'anonymous_ip': (2, 0, anon),
    'anonymous_ip_pointer_to_first_record': (0x82, 1, pointer(0)),
    'odd_types': (0, 4, odd),
    'truncated_map': (1, 0, asn[:len(asn) // 2]),
    'pointer_to_pointer': (0, 0, map_([('city', pointer(0))])),
}
os.makedirs(OUT, exist_ok=True)
for name, (db, address, record) in seeds.items():
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(bytes([db, address]) + record)
