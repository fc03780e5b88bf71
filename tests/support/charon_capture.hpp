#pragma once
// Loads one scenario of tests/data/charon (made by scripts/capture-charon):
// its IKE messages in wire order and the values charon logged (keys.txt).
// Shared by the capture tests and the demo's self-check.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "libike/common/bytes.hpp"

namespace ike::testing {

struct captured_message {
    std::string name;  ///< file stem, e.g. "03-ike_auth-req"
    int index = 0;     ///< the NN prefix
    bool request = false;
    bytes raw;
};

struct charon_scenario {
    std::string dir;
    std::map<std::string, std::string> keys;  ///< keys.txt: name = value
    std::vector<captured_message> messages;   ///< sorted by index

    /// The value of `name` in keys.txt, or "" when absent.
    const std::string& get(const std::string& name) const {
        static const std::string empty;
        auto it = keys.find(name);
        return it == keys.end() ? empty : it->second;
    }
    /// The hex value of `name` as bytes; `ok` is false for bad hex.
    bytes hex(const std::string& name, bool* ok = nullptr) const {
        bool good = false;
        bytes b = from_hex(get(name), &good);
        if (ok) *ok = good || get(name).empty();
        return b;
    }
};

inline std::string trim_copy(std::string s) {
    auto not_space = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

/// Reads `root/dir`; an unreadable scenario yields an empty message list.
inline charon_scenario load_charon_scenario(const std::filesystem::path& root,
                                            const std::string& dir) {
    charon_scenario sc;
    sc.dir = dir;
    std::ifstream in(root / dir / "keys.txt");
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        auto eq = line.find('=');
        if (eq != std::string::npos)
            sc.keys[trim_copy(line.substr(0, eq))] = trim_copy(line.substr(eq + 1));
    }
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(root / dir, ec)) {
        if (entry.path().extension() != ".bin") continue;
        captured_message m;
        m.name = entry.path().stem().string();
        m.index = std::stoi(m.name.substr(0, 2));
        m.request = m.name.ends_with("-req");
        std::ifstream f(entry.path(), std::ios::binary);
        m.raw.assign(std::istreambuf_iterator<char>(f), {});
        sc.messages.push_back(std::move(m));
    }
    std::sort(sc.messages.begin(), sc.messages.end(),
              [](const auto& a, const auto& b) { return a.index < b.index; });
    return sc;
}

}  // namespace ike::testing
