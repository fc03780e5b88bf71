#include "libike/proposal/proposal_keywords.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace ike {

namespace {

// Spellings and meanings from strongSwan's IKEv2 cipher suite table. For a
// transform named by several keywords the first non-alias entry is canonical.
// Key lengths: AES and Camellia carry one (RFC 7296 §3.3.5); 3DES, NULL and
// ChaCha20-Poly1305 (fixed 256-bit key, RFC 7634 §2) do not.
constexpr std::array<proposal_keyword, 123> table{{
    // Encryption (transform type 1)
    {"null", make_transform(encr_id::null)},
    {"3des", make_transform(encr_id::des3)},
    {"aes128", make_transform(encr_id::aes_cbc, 128)},
    {"aes192", make_transform(encr_id::aes_cbc, 192)},
    {"aes256", make_transform(encr_id::aes_cbc, 256)},
    {"aes128ctr", make_transform(encr_id::aes_ctr, 128)},
    {"aes192ctr", make_transform(encr_id::aes_ctr, 192)},
    {"aes256ctr", make_transform(encr_id::aes_ctr, 256)},
    {"aes128ccm8", make_transform(encr_id::aes_ccm_8, 128)},
    {"aes128ccm12", make_transform(encr_id::aes_ccm_12, 128)},
    {"aes128ccm16", make_transform(encr_id::aes_ccm_16, 128)},
    {"aes192ccm8", make_transform(encr_id::aes_ccm_8, 192)},
    {"aes192ccm12", make_transform(encr_id::aes_ccm_12, 192)},
    {"aes192ccm16", make_transform(encr_id::aes_ccm_16, 192)},
    {"aes256ccm8", make_transform(encr_id::aes_ccm_8, 256)},
    {"aes256ccm12", make_transform(encr_id::aes_ccm_12, 256)},
    {"aes256ccm16", make_transform(encr_id::aes_ccm_16, 256)},
    {"aes128gcm8", make_transform(encr_id::aes_gcm_8, 128)},
    {"aes128gcm12", make_transform(encr_id::aes_gcm_12, 128)},
    {"aes128gcm16", make_transform(encr_id::aes_gcm_16, 128)},
    {"aes192gcm8", make_transform(encr_id::aes_gcm_8, 192)},
    {"aes192gcm12", make_transform(encr_id::aes_gcm_12, 192)},
    {"aes192gcm16", make_transform(encr_id::aes_gcm_16, 192)},
    {"aes256gcm8", make_transform(encr_id::aes_gcm_8, 256)},
    {"aes256gcm12", make_transform(encr_id::aes_gcm_12, 256)},
    {"aes256gcm16", make_transform(encr_id::aes_gcm_16, 256)},
    {"chacha20poly1305", make_transform(encr_id::chacha20_poly1305)},
    {"camellia128", make_transform(encr_id::camellia_cbc, 128)},
    {"camellia192", make_transform(encr_id::camellia_cbc, 192)},
    {"camellia256", make_transform(encr_id::camellia_cbc, 256)},
    {"camellia128ctr", make_transform(encr_id::camellia_ctr, 128)},
    {"camellia192ctr", make_transform(encr_id::camellia_ctr, 192)},
    {"camellia256ctr", make_transform(encr_id::camellia_ctr, 256)},
    {"camellia128ccm8", make_transform(encr_id::camellia_ccm_8, 128)},
    {"camellia128ccm12", make_transform(encr_id::camellia_ccm_12, 128)},
    {"camellia128ccm16", make_transform(encr_id::camellia_ccm_16, 128)},
    {"camellia192ccm8", make_transform(encr_id::camellia_ccm_8, 192)},
    {"camellia192ccm12", make_transform(encr_id::camellia_ccm_12, 192)},
    {"camellia192ccm16", make_transform(encr_id::camellia_ccm_16, 192)},
    {"camellia256ccm8", make_transform(encr_id::camellia_ccm_8, 256)},
    {"camellia256ccm12", make_transform(encr_id::camellia_ccm_12, 256)},
    {"camellia256ccm16", make_transform(encr_id::camellia_ccm_16, 256)},
    // Integrity (transform type 3)
    {"sha1", make_transform(integ_id::hmac_sha1_96)},
    {"sha256", make_transform(integ_id::hmac_sha2_256_128)},
    {"sha384", make_transform(integ_id::hmac_sha2_384_192)},
    {"sha512", make_transform(integ_id::hmac_sha2_512_256)},
    {"md5", make_transform(integ_id::hmac_md5_96)},
    {"aesxcbc", make_transform(integ_id::aes_xcbc_96)},
    {"aescmac", make_transform(integ_id::aes_cmac_96)},
    {"sha1_160", make_transform(integ_id::hmac_sha1_160)},
    {"md5_128", make_transform(integ_id::hmac_md5_128)},
    // Pseudorandom functions (transform type 2)
    {"prfsha1", make_transform(prf_id::hmac_sha1)},
    {"prfsha256", make_transform(prf_id::hmac_sha2_256)},
    {"prfsha384", make_transform(prf_id::hmac_sha2_384)},
    {"prfsha512", make_transform(prf_id::hmac_sha2_512)},
    {"prfmd5", make_transform(prf_id::hmac_md5)},
    {"prfaesxcbc", make_transform(prf_id::aes128_xcbc)},
    {"prfaescmac", make_transform(prf_id::aes128_cmac)},
    // Key exchange methods (transform type 4)
    {"modp768", make_transform(ke_group::modp768)},
    {"modp1024", make_transform(ke_group::modp1024)},
    {"modp1536", make_transform(ke_group::modp1536)},
    {"modp2048", make_transform(ke_group::modp2048)},
    {"modp3072", make_transform(ke_group::modp3072)},
    {"modp4096", make_transform(ke_group::modp4096)},
    {"modp6144", make_transform(ke_group::modp6144)},
    {"modp8192", make_transform(ke_group::modp8192)},
    {"ecp192", make_transform(ke_group::ecp192)},
    {"ecp224", make_transform(ke_group::ecp224)},
    {"ecp256", make_transform(ke_group::ecp256)},
    {"ecp384", make_transform(ke_group::ecp384)},
    {"ecp521", make_transform(ke_group::ecp521)},
    {"modp1024s160", make_transform(ke_group::modp1024_160)},
    {"modp2048s224", make_transform(ke_group::modp2048_224)},
    {"modp2048s256", make_transform(ke_group::modp2048_256)},
    {"ecp224bp", make_transform(ke_group::brainpool224)},
    {"ecp256bp", make_transform(ke_group::brainpool256)},
    {"ecp384bp", make_transform(ke_group::brainpool384)},
    {"ecp512bp", make_transform(ke_group::brainpool512)},
    {"curve25519", make_transform(ke_group::curve25519)},
    {"curve448", make_transform(ke_group::curve448)},
    // Extended sequence numbers (transform type 5)
    {"esn", make_transform(esn_id::yes)},
    {"noesn", make_transform(esn_id::no)},
    // Aliases strongSwan accepts; never printed
    {"aes", make_transform(encr_id::aes_cbc, 128), true},
    {"aes128ccm64", make_transform(encr_id::aes_ccm_8, 128), true},
    {"aes128ccm96", make_transform(encr_id::aes_ccm_12, 128), true},
    {"aes128ccm128", make_transform(encr_id::aes_ccm_16, 128), true},
    {"aes128ccm", make_transform(encr_id::aes_ccm_16, 128), true},
    {"aes192ccm64", make_transform(encr_id::aes_ccm_8, 192), true},
    {"aes192ccm96", make_transform(encr_id::aes_ccm_12, 192), true},
    {"aes192ccm128", make_transform(encr_id::aes_ccm_16, 192), true},
    {"aes192ccm", make_transform(encr_id::aes_ccm_16, 192), true},
    {"aes256ccm64", make_transform(encr_id::aes_ccm_8, 256), true},
    {"aes256ccm96", make_transform(encr_id::aes_ccm_12, 256), true},
    {"aes256ccm128", make_transform(encr_id::aes_ccm_16, 256), true},
    {"aes256ccm", make_transform(encr_id::aes_ccm_16, 256), true},
    {"aes128gcm64", make_transform(encr_id::aes_gcm_8, 128), true},
    {"aes128gcm96", make_transform(encr_id::aes_gcm_12, 128), true},
    {"aes128gcm128", make_transform(encr_id::aes_gcm_16, 128), true},
    {"aes128gcm", make_transform(encr_id::aes_gcm_16, 128), true},
    {"aes192gcm64", make_transform(encr_id::aes_gcm_8, 192), true},
    {"aes192gcm96", make_transform(encr_id::aes_gcm_12, 192), true},
    {"aes192gcm128", make_transform(encr_id::aes_gcm_16, 192), true},
    {"aes192gcm", make_transform(encr_id::aes_gcm_16, 192), true},
    {"aes256gcm64", make_transform(encr_id::aes_gcm_8, 256), true},
    {"aes256gcm96", make_transform(encr_id::aes_gcm_12, 256), true},
    {"aes256gcm128", make_transform(encr_id::aes_gcm_16, 256), true},
    {"aes256gcm", make_transform(encr_id::aes_gcm_16, 256), true},
    {"camellia", make_transform(encr_id::camellia_cbc, 128), true},
    {"camellia128ccm64", make_transform(encr_id::camellia_ccm_8, 128), true},
    {"camellia128ccm96", make_transform(encr_id::camellia_ccm_12, 128), true},
    {"camellia128ccm128", make_transform(encr_id::camellia_ccm_16, 128), true},
    {"camellia192ccm64", make_transform(encr_id::camellia_ccm_8, 192), true},
    {"camellia192ccm96", make_transform(encr_id::camellia_ccm_12, 192), true},
    {"camellia192ccm128", make_transform(encr_id::camellia_ccm_16, 192), true},
    {"camellia256ccm64", make_transform(encr_id::camellia_ccm_8, 256), true},
    {"camellia256ccm96", make_transform(encr_id::camellia_ccm_12, 256), true},
    {"camellia256ccm128", make_transform(encr_id::camellia_ccm_16, 256), true},
    {"sha", make_transform(integ_id::hmac_sha1_96), true},
    {"sha2_256", make_transform(integ_id::hmac_sha2_256_128), true},
    {"sha2_384", make_transform(integ_id::hmac_sha2_384_192), true},
    {"sha2_512", make_transform(integ_id::hmac_sha2_512_256), true},
    {"x25519", make_transform(ke_group::curve25519), true},
    {"x448", make_transform(ke_group::curve448), true},
}};

// Unknown keywords are short, so a two-row Levenshtein distance is plenty.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

constexpr std::size_t max_suggestion_distance = 2;

}  // namespace

std::span<const proposal_keyword> proposal_keywords() {
    return table;
}

std::optional<transform_spec> find_proposal_keyword(std::string_view keyword) {
    auto it = std::ranges::find(table, keyword, &proposal_keyword::keyword);
    if (it == table.end()) return std::nullopt;
    return it->transform;
}

std::string_view keyword_for(const transform_spec& transform) {
    auto it = std::ranges::find_if(
        table, [&](const proposal_keyword& k) { return !k.alias && k.transform == transform; });
    return it == table.end() ? std::string_view{} : it->keyword;
}

std::string_view suggest_proposal_keyword(std::string_view unknown) {
    std::string folded = lower(unknown);
    auto exact = std::ranges::find(table, std::string_view{folded}, &proposal_keyword::keyword);
    if (exact != table.end()) return exact->keyword;
    std::string_view best;
    std::size_t best_distance = max_suggestion_distance + 1;
    for (const auto& k : table) {
        std::size_t d = edit_distance(folded, k.keyword);
        if (d < best_distance) {
            best = k.keyword;
            best_distance = d;
        }
    }
    return best;
}

}  // namespace ike
