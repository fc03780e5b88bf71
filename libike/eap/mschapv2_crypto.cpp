#include "libike/eap/mschapv2_crypto.hpp"

#include <openssl/evp.h>

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <optional>

#include "libike/crypto/openssl_handle.hpp"
#include "libike/eap/legacy_provider.hpp"

namespace ike::mschapv2 {

namespace {

using md_ptr = std::unique_ptr<EVP_MD, openssl_deleter<EVP_MD_free>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, openssl_deleter<EVP_MD_CTX_free>>;
using cipher_ptr = std::unique_ptr<EVP_CIPHER, openssl_deleter<EVP_CIPHER_free>>;
using cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, openssl_deleter<EVP_CIPHER_CTX_free>>;

eap_error backend(const char* what) {
    return {eap_errc::backend_unavailable,
            std::string("EAP-MSCHAPv2: OpenSSL ") + what + " failed"};
}

// The constant strings of RFC 2759 §8.7 and RFC 3079 §3.4, as ASCII without
// their terminating NUL.
constexpr std::string_view auth_magic1 = "Magic server to client signing constant";
constexpr std::string_view auth_magic2 = "Pad to make it do more than one iteration";
constexpr std::string_view mppe_magic1 = "This is the MPPE Master Key";
constexpr std::string_view mppe_magic2 =
    "On the client side, this is the send key; on the server side, it is the receive key.";
constexpr std::string_view mppe_magic3 =
    "On the client side, this is the receive key; on the server side, it is the send key.";

/// Digest of the concatenated pieces with algorithm `name` ("MD4", "SHA1").
std::expected<secret, eap_error> digest(const char* name,
                                        std::initializer_list<bytes_view> pieces) {
    md_ptr md(EVP_MD_fetch(nullptr, name, nullptr));
    md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (!md || !ctx) return std::unexpected(backend(name));
    if (EVP_DigestInit_ex(ctx.get(), md.get(), nullptr) != 1) return std::unexpected(backend(name));
    for (bytes_view piece : pieces)
        if (EVP_DigestUpdate(ctx.get(), piece.data(), piece.size()) != 1)
            return std::unexpected(backend(name));
    secret out(static_cast<std::size_t>(EVP_MD_get_size(md.get())));
    unsigned int written = 0;
    if (EVP_DigestFinal_ex(ctx.get(), out.data(), &written) != 1 || written != out.size())
        return std::unexpected(backend(name));
    return out;
}

/// SHA1 over the pieces. load_legacy_provider() has fetched SHA1 already, so
/// a failure here is memory exhaustion or a broken OpenSSL: an invariant, not
/// an input error, and continuing with a made-up digest would be worse.
secret sha1(std::initializer_list<bytes_view> pieces) {
    auto d = digest("SHA1", pieces);
    if (!d) std::abort();
    return std::move(*d);
}

/// UTF-8 to UTF-16LE, or nothing if `in` is not valid UTF-8.
std::optional<secret> utf16le(bytes_view in) {
    secret out;
    std::size_t i = 0;
    auto put = [&](std::uint32_t unit) {
        const std::uint8_t le[2] = {static_cast<std::uint8_t>(unit),
                                    static_cast<std::uint8_t>(unit >> 8)};
        out.append(le);
    };
    while (i < in.size()) {
        const std::uint8_t lead = in[i];
        std::size_t extra = 0;
        if (lead >= 0x80) {
            if ((lead & 0xE0) == 0xC0)
                extra = 1;
            else if ((lead & 0xF0) == 0xE0)
                extra = 2;
            else if ((lead & 0xF8) == 0xF0)
                extra = 3;
            else
                return std::nullopt;
        }
        if (extra >= in.size() - i) return std::nullopt;
        std::uint32_t cp = extra == 0 ? lead : lead & (0x3F >> extra);
        for (std::size_t k = 1; k <= extra; ++k) {
            if ((in[i + k] & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (in[i + k] & 0x3F);
        }
        static constexpr std::uint32_t min_for[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min_for[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return std::nullopt;
        if (cp >= 0x10000) {
            put(0xD800 + ((cp - 0x10000) >> 10));
            put(0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            put(cp);
        }
        i += extra + 1;
    }
    return out;
}

/// RFC 2759 §8.6 DesEncrypt's key: 7 octets spread over 8, one parity bit
/// (ignored by DES) at the bottom of each.
std::array<std::uint8_t, 8> des_key(const std::uint8_t* k) {
    std::array<std::uint8_t, 8> out{};
    out[0] = k[0];
    for (int i = 1; i < 7; ++i)
        out[i] = static_cast<std::uint8_t>((k[i - 1] << (8 - i)) | (k[i] >> i));
    out[7] = static_cast<std::uint8_t>(k[6] << 1);
    out[0] &= 0xFE;
    return out;
}

bool des_encrypt(const std::uint8_t* key7, bytes_view block8, std::uint8_t* out8) {
    cipher_ptr des(EVP_CIPHER_fetch(nullptr, "DES-ECB", nullptr));
    cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
    if (!des || !ctx) return false;
    const auto key = des_key(key7);
    int len = 0;
    int tail = 0;
    const bool ok = EVP_EncryptInit_ex2(ctx.get(), des.get(), key.data(), nullptr, nullptr) == 1 &&
                    EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1 &&
                    EVP_EncryptUpdate(ctx.get(), out8, &len, block8.data(), 8) == 1 &&
                    EVP_EncryptFinal_ex(ctx.get(), out8 + len, &tail) == 1 && len + tail == 8;
    return ok;
}

}  // namespace

std::string upper_hex(bytes_view data) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (std::uint8_t b : data) {
        out += digits[b >> 4];
        out += digits[b & 0xF];
    }
    return out;
}

std::expected<secret, eap_error> nt_password_hash(const secret& password_utf8) {
    if (auto loaded = load_legacy_provider(); !loaded) return std::unexpected(loaded.error());
    auto unicode = utf16le(password_utf8.view());
    if (!unicode)
        return std::unexpected(
            eap_error{eap_errc::malformed, "EAP-MSCHAPv2: the password is not valid UTF-8"});
    return digest("MD4", {unicode->view()});
}

std::string_view hashed_user_name(std::string_view user_name) {
    const auto slash = user_name.find('\\');
    return slash == std::string_view::npos ? user_name : user_name.substr(slash + 1);
}

std::array<std::uint8_t, 8> challenge_hash(const challenge& peer, const challenge& authenticator,
                                           std::string_view user_name) {
    const secret d = sha1({peer, authenticator, as_view(hashed_user_name(user_name))});
    std::array<std::uint8_t, 8> out{};
    std::copy_n(d.data(), out.size(), out.begin());
    return out;
}

std::expected<nt_response, eap_error> generate_nt_response(const challenge& authenticator,
                                                           const challenge& peer,
                                                           std::string_view user_name,
                                                           const secret& password_hash) {
    if (auto loaded = load_legacy_provider(); !loaded) return std::unexpected(loaded.error());
    const auto hash8 = challenge_hash(peer, authenticator, user_name);
    // ChallengeResponse: the 16-octet hash, zero-padded to 21, as three DES keys.
    std::array<std::uint8_t, 21> keys{};
    std::copy_n(password_hash.data(), std::min<std::size_t>(password_hash.size(), 16),
                keys.begin());
    nt_response out{};
    bool ok = true;
    for (int i = 0; i < 3 && ok; ++i)
        ok = des_encrypt(keys.data() + 7 * i, hash8, out.data() + 8 * i);
    OPENSSL_cleanse(keys.data(), keys.size());
    if (!ok) return std::unexpected(backend("DES-ECB"));
    return out;
}

std::expected<std::string, eap_error> authenticator_response(const secret& password_hash,
                                                             const nt_response& response,
                                                             const challenge& peer,
                                                             const challenge& authenticator,
                                                             std::string_view user_name) {
    if (auto loaded = load_legacy_provider(); !loaded) return std::unexpected(loaded.error());
    auto hash_hash = digest("MD4", {password_hash.view()});
    if (!hash_hash) return std::unexpected(hash_hash.error());
    const secret first = sha1({hash_hash->view(), response, as_view(auth_magic1)});
    const auto hash8 = challenge_hash(peer, authenticator, user_name);
    const secret second = sha1({first.view(), hash8, as_view(auth_magic2)});
    return "S=" + upper_hex(second.view());
}

std::expected<secret, eap_error> master_key(const secret& password_hash,
                                            const nt_response& response) {
    if (auto loaded = load_legacy_provider(); !loaded) return std::unexpected(loaded.error());
    auto hash_hash = digest("MD4", {password_hash.view()});
    if (!hash_hash) return std::unexpected(hash_hash.error());
    return sha1({hash_hash->view(), response, as_view(mppe_magic1)}).slice(0, 16);
}

secret asymmetric_start_key(const secret& master_key, bool is_send, bool is_server) {
    static constexpr std::array<std::uint8_t, 40> pad1{};
    std::array<std::uint8_t, 40> pad2{};
    pad2.fill(0xF2);
    // RFC 3079 §3.4: the client's send key is the server's receive key.
    const std::string_view magic = is_send == is_server ? mppe_magic3 : mppe_magic2;
    return sha1({master_key.view(), pad1, as_view(magic), pad2}).slice(0, 16);
}

std::expected<secret, eap_error> msk(const secret& password_hash, const nt_response& response) {
    auto mk = master_key(password_hash, response);
    if (!mk) return std::unexpected(mk.error());
    secret out = asymmetric_start_key(*mk, false, true);       // server receive
    out.append(asymmetric_start_key(*mk, true, true).view());  // server send
    out.append(std::array<std::uint8_t, 32>{});
    return out;
}

}  // namespace ike::mschapv2
