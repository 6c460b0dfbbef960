// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// service/install_layout.h: where vigild finds the files it ships with.
//
// Installed (`cmake --install`, the Debian package), vigild is
// <prefix>/bin/vigild and its read-only files are in <prefix>/share/vigil
// (models/default.toml, pwned/zxcvbn-common.txt; the relative path comes from
// GNUInstallDirs at configure time, install_dirs.h.in). The prefix is not
// compiled in: it is found from the running executable (/proc/self/exe), so
// an install works wherever it is put (/usr, /usr/local, /opt/vigil, a
// `dpkg -x` root) and never depends on the working directory. A vigild that
// is not installed (build/service/vigild) has no such folder; its defaults
// stay relative to the working directory (scripts/run.sh, the tests).

#ifndef VIGIL_SERVICE_INSTALL_LAYOUT_H_
#define VIGIL_SERVICE_INSTALL_LAYOUT_H_

#include <string>

namespace vigil::service {

// VIGIL_INSTALL_BIN_TO_SHARE: from the installed executables' folder to the
// share folder, e.g. "../share/vigil" (absolute if the layout is).
const char* BinToShareDir();

// The share folder of the install that `executable` belongs to:
// <dir of executable>/VIGIL_INSTALL_BIN_TO_SHARE, normalised, if it holds
// models/default.toml; "" otherwise (not installed).
std::string ShareDirOf(const std::string& executable);

// ShareDirOf(the running executable), looked up once.
const std::string& InstalledShareDir();

// Built-in defaults for the paths of [model] and [pwned]: under
// InstalledShareDir() when installed, else relative to the working
// directory as in a source checkout ("models/default.toml",
// "data/pwned/zxcvbn-common.txt").
std::string DefaultModelPath();
std::string DefaultPwnedSeedFile();

}  // namespace vigil::service

#endif  // VIGIL_SERVICE_INSTALL_LAYOUT_H_
