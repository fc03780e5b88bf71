#include "daemon/sa_json.hpp"

#include <gtest/gtest.h>

#include "daemon/config/config_loader.hpp"

namespace ikev2d {
namespace {

TEST(sa_json, ike_sa_with_child_and_usage) {
    const auto now = ike::time_point{} + std::chrono::hours(10);
    ike::ike_sa_info sa;
    sa.id = 3, sa.connection = "a-to-b", sa.state = "established", sa.initiator = true;
    sa.spi_i = 0x0123456789abcdef, sa.spi_r = 0x42;
    sa.local = {ike::ip_addr::v4(10, 1, 0, 1), 500};
    sa.remote = {ike::ip_addr::v4(10, 1, 0, 2), 4500};
    sa.local_id = "gw-a", sa.remote_id = "gw-b", sa.ike_proposal = "aes256gcm16-prfsha384-x25519";
    sa.nat_remote = true;
    sa.established = now - std::chrono::seconds(90);
    ike::child_sa_info c;
    c.id = 7, c.name = "net", c.spi_in = 0xc0000001, c.spi_out = 0xc2;
    c.esp_proposal = "aes256gcm16-esn", c.udp_encap = true;
    c.local_ts = {ike::ts_from_cidr("10.10.1.0/24").value()};
    c.remote_ts = {ike::ts_from_cidr("10.10.2.0/24").value()};
    sa.children.push_back(c);
    const usage_lookup usage = [](ike::child_sa_id id) -> std::optional<child_usage> {
        if (id == 7) return child_usage{100, 2, 300, 4};
        return std::nullopt;
    };
    const auto j = sa_to_json(sa, now, usage);
    EXPECT_EQ(j["id"], 3);
    EXPECT_EQ(j["spi_i"], "0123456789abcdef");
    EXPECT_EQ(j["spi_r"], "0000000000000042");
    EXPECT_EQ(j["remote"], "10.1.0.2[4500]");
    EXPECT_EQ(j["established"], 90);
    EXPECT_EQ(j["nat_remote"], true);
    const auto& cj = j["children"][0];
    EXPECT_EQ(cj["spi_out"], "000000c2");
    EXPECT_EQ(cj["local_ts"][0], "10.10.1.0/24");
    EXPECT_EQ(cj["established"], nullptr);
    EXPECT_EQ(cj["bytes_out"], 300);
    EXPECT_EQ(cj["mode"], "tunnel");
}

TEST(sa_json, virtual_ips_and_dns) {
    ike::ike_sa_info sa;
    sa.virtual_ips = {ike::ip_addr::v4(10, 3, 0, 1)};
    sa.dns = {ike::ip_addr::v4(10, 3, 0, 53)};
    sa.dns_domains = {"corp.example.org"};
    const auto j = sa_to_json(sa, ike::time_point{}, [](ike::child_sa_id) { return std::nullopt; });
    EXPECT_EQ(j["virtual_ips"], nlohmann::json::array({"10.3.0.1"}));
    EXPECT_EQ(j["dns"], nlohmann::json::array({"10.3.0.53"}));
    EXPECT_EQ(j["dns_domains"], nlohmann::json::array({"corp.example.org"}));
}

TEST(sa_json, child_state_and_times_to_rekey_and_expiry) {
    const auto now = ike::time_point{} + std::chrono::hours(10);
    ike::ike_sa_info sa;
    sa.id = 1, sa.state = "established";
    sa.rekey_at = now + std::chrono::hours(3);
    ike::child_sa_info c;
    c.id = 2, c.state = "installed";
    c.rekey_at = now + std::chrono::minutes(52) + std::chrono::milliseconds(30500);
    c.expire_at = now + std::chrono::minutes(59);
    sa.children.push_back(c);
    ike::child_sa_info due;  // rekey time passed, no hard limit, state unknown
    due.id = 3, due.rekey_at = now - std::chrono::seconds(5);
    sa.children.push_back(due);
    const auto j = sa_to_json(sa, now, {});
    EXPECT_EQ(j["rekey_in"], 3 * 3600) << "the IKE_SA's own rekey";
    const auto& cj = j["children"][0];
    EXPECT_EQ(cj["state"], "installed");
    EXPECT_EQ(cj["rekey_in"], 52 * 60 + 30);
    EXPECT_EQ(cj["expires_in"], 59 * 60);
    const auto& dj = j["children"][1];
    EXPECT_EQ(dj["state"], nullptr);
    EXPECT_EQ(dj["rekey_in"], 0);
    EXPECT_EQ(dj["expires_in"], nullptr);
    EXPECT_EQ(dj["bytes_in"], nullptr);
}

TEST(sa_json, configured_connection) {
    const auto cfg = config::load_config_file(IKEV2D_TEST_DATA "/../../conf/ikev2d.yaml");
    ASSERT_TRUE(cfg);
    const auto j = conn_to_json(cfg->connections.at(0));
    EXPECT_EQ(j["name"], "a-to-b");
    EXPECT_EQ(j["remote_addrs"][0], "10.1.0.2");
    EXPECT_EQ(j["local_id"], "gw-a.example.org");
    EXPECT_EQ(j["proposals"][0], "aes256gcm16-prfsha384-curve25519");
    EXPECT_EQ(j["children"][0]["start_action"], "start");
    EXPECT_EQ(j["children"][0]["local_ts"][0], "10.10.1.0/24");
}

}  // namespace
}  // namespace ikev2d
