// Certificate authentication in the configuration: authorities, our
// certificate and key, identities checked against the certificate, and the
// translation into the engine's ike_sa_config.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "daemon/config/config_loader.hpp"
#include "daemon/config_translate.hpp"
#include "libike/crypto/distinguished_name.hpp"
#include "tests/unit/crypto/cert_test_support.hpp"

namespace ikev2d::config {
namespace {

namespace fs = std::filesystem;
using ike::test::issue;

class credential_config : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ikev2d-cred-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        write("ca.pem", ike::test::cert_pem(ca_.cert));
        write("gw.pem", ike::test::cert_pem(gw_.cert) + ike::test::cert_pem(inter_.cert));
        write_key("gw.key", gw_.key.get());
        write_key("other.key", other_.key.get());
        write("not-a-ca.pem", ike::test::cert_pem(other_.cert));
    }
    void TearDown() override { fs::remove_all(dir_); }

    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name) << text;
        ::chmod((dir_ / name).c_str(), 0600);
    }
    void write_key(const std::string& name, EVP_PKEY* key) {
        auto pem = ike::test::key_pem(key);
        write(name, std::string(pem.view().begin(), pem.view().end()));
    }

    std::expected<config, config_errors> load(std::string_view yaml) {
        return load_config_string(yaml.substr(1), "test.yaml", dir_);
    }
    static std::string errors(const std::expected<config, config_errors>& c) {
        std::string out;
        if (!c)
            for (const auto& e : c.error()) out += e.to_string() + "\n";
        return out;
    }

    fs::path dir_;
    ike::test::issued ca_ = issue({.cn = "Test CA", .ca = true}, nullptr);
    ike::test::issued inter_ = issue({.cn = "Test Intermediate", .ca = true, .serial = 2}, &ca_);
    ike::test::issued gw_ =
        issue({.cn = "gw", .san = "DNS:gw.example.org", .eku = "serverAuth", .serial = 3}, &inter_);
    ike::test::issued other_ = issue({.cn = "other", .serial = 4}, &ca_);
};

constexpr std::string_view pubkey_both = R"(
authorities:
  test-ca: {cacert: ca.pem}
connections:
  gw:
    remote_addrs: [10.1.0.2]
    local: {auth: pubkey, certs: gw.pem, key: gw.key, id: gw.example.org}
    remote: {auth: pubkey, id: "O=ikev2d tests, CN=*", cacerts: [test-ca], require_eku: clientAuth}
    send_cert: ifasked
)";

TEST_F(credential_config, loads_and_translates_certificate_auth) {
    auto cfg = load(pubkey_both);
    ASSERT_TRUE(cfg) << errors(cfg);
    const auto& c = cfg->connections.at(0);
    ASSERT_EQ(c.local.certs.size(), 2u);
    EXPECT_EQ(c.local.certs[0].subject(), "O=ikev2d tests, CN=gw");
    EXPECT_EQ(c.remote.eku, ike::eku_requirement::client_auth);
    ASSERT_EQ(cfg->authorities.size(), 1u);

    auto t = translate_connection(c, credentials_of(*cfg));
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(t->local_auth, ike::auth_kind::pubkey);
    EXPECT_EQ(t->remote_auth, ike::auth_kind::pubkey);
    ASSERT_TRUE(t->local_cert);
    EXPECT_EQ(t->local_cert->cert.serial(), gw_.cert.serial());
    ASSERT_EQ(t->local_cert->intermediates.size(), 1u);
    EXPECT_EQ(t->local_cert->intermediates[0].subject(), "O=ikev2d tests, CN=Test Intermediate");
    ASSERT_TRUE(t->trust);
    ASSERT_EQ(t->trust->cas.size(), 1u);
    // The chain the peer would see validates against the store we built.
    EXPECT_TRUE(
        t->trust->store.validate(gw_.cert, std::vector{inter_.cert}, ike::test::utc(2026, 6, 1)));
    EXPECT_EQ(t->send_cert, ike::send_cert_policy::ifasked);
    EXPECT_EQ(t->remote_eku, ike::eku_requirement::client_auth);
    EXPECT_EQ(t->local_id.type, ike::id_type::fqdn);
    EXPECT_EQ(t->remote_id.type, ike::id_type::der_asn1_dn);
    EXPECT_TRUE(ike::matches(t->remote_id, {ike::id_type::der_asn1_dn, other_.cert.subject_der()}));
}

TEST_F(credential_config, default_local_id_is_the_certificate_subject) {
    auto cfg = load(R"(
authorities:
  test-ca: {cacert: ca.pem}
connections:
  gw:
    local: {auth: pubkey, certs: [gw.pem], key: gw.key}
    remote: {auth: pubkey}
)");
    ASSERT_TRUE(cfg) << errors(cfg);
    const auto& id = cfg->connections.at(0).local.id;
    EXPECT_EQ(id.type, ike::id_type::der_asn1_dn);
    EXPECT_EQ(id.data, gw_.cert.subject_der());
}

TEST_F(credential_config, identity_must_be_named_by_the_certificate) {
    auto cfg = load(R"(
authorities:
  test-ca: {cacert: ca.pem}
connections:
  gw:
    local: {auth: pubkey, certs: gw.pem, key: gw.key, id: vpn.example.org}
    remote: {auth: pubkey}
)");
    ASSERT_FALSE(cfg);
    const auto text = errors(cfg);
    EXPECT_NE(text.find("test.yaml:5:"), std::string::npos) << text;
    EXPECT_NE(text.find("does not name this identity"), std::string::npos) << text;
    EXPECT_NE(text.find("gw.example.org"), std::string::npos) << text;  // what it does name
}

TEST_F(credential_config, dn_identity_in_another_case_is_sent_as_the_certificate_has_it) {
    auto cfg = load(R"(
authorities:
  test-ca: {cacert: ca.pem}
connections:
  gw:
    local: {auth: pubkey, certs: gw.pem, key: gw.key, id: "o=IKEV2D tests, cn=GW"}
    remote: {auth: pubkey}
)");
    ASSERT_TRUE(cfg) << errors(cfg);
    EXPECT_EQ(cfg->connections.at(0).local.id.data, gw_.cert.subject_der());
}

TEST_F(credential_config, key_must_belong_to_the_certificate) {
    auto cfg = load(R"(
authorities:
  test-ca: {cacert: ca.pem}
connections:
  gw:
    local: {auth: pubkey, certs: gw.pem, key: other.key}
    remote: {auth: pubkey}
)");
    const auto text = errors(cfg);
    EXPECT_NE(text.find("does not belong to the certificate 'O=ikev2d tests, CN=gw'"),
              std::string::npos)
        << text;
}

TEST_F(credential_config, file_problems_name_the_file_and_key) {
    auto cfg = load(R"(
authorities:
  test-ca: {cacert: missing.pem}
  not-ca: {cacert: not-a-ca.pem}
connections:
  gw:
    local: {auth: pubkey, certs: gw.key, key: gw.key}
    remote: {auth: pubkey, cacerts: [nobody]}
)");
    const auto text = errors(cfg);
    EXPECT_NE(text.find("test.yaml:2:"), std::string::npos) << text;
    EXPECT_NE(text.find("missing.pem"), std::string::npos) << text;
    EXPECT_NE(text.find("'O=ikev2d tests, CN=other' is not a CA certificate"), std::string::npos)
        << text;
    EXPECT_NE(text.find("BEGIN CERTIFICATE"), std::string::npos) << text;  // gw.key as certs
}

TEST_F(credential_config, remote_pubkey_needs_an_authority) {
    auto cfg = load(R"(
connections:
  gw:
    local: {auth: psk, id: a.example.org}
    remote: {auth: pubkey, cacerts: [test-ca]}
secrets:
  - ids: [a.example.org]
    psk: "a long random secret value"
)");
    const auto text = errors(cfg);
    EXPECT_NE(text.find("add an 'authorities' entry"), std::string::npos) << text;

    auto unknown = load(R"(
authorities:
  test-ca: {cacert: ca.pem}
connections:
  gw:
    local: {auth: pubkey, certs: gw.pem, key: gw.key}
    remote: {auth: pubkey, cacerts: [tset-ca]}
)");
    EXPECT_NE(errors(unknown).find("no authority named 'tset-ca'"), std::string::npos)
        << errors(unknown);
}

TEST_F(credential_config, readable_key_file_is_a_warning) {
    ::chmod((dir_ / "gw.key").c_str(), 0644);
    auto cfg = load(R"(
authorities:
  test-ca: {cacert: ca.pem}
connections:
  gw:
    local: {auth: pubkey, certs: gw.pem, key: gw.key}
    remote: {auth: pubkey}
)");
    ASSERT_TRUE(cfg) << errors(cfg);
    ASSERT_EQ(cfg->warnings.size(), 1u);
    EXPECT_NE(cfg->warnings[0].message.find("chmod 600"), std::string::npos);
}

}  // namespace
}  // namespace ikev2d::config
