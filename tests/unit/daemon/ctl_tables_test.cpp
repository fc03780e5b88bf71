#include "daemon/ctl_tables.hpp"

#include <gtest/gtest.h>

namespace ikev2d::ctl {
namespace {

using json = nlohmann::json;

TEST(ctl_tables, table_columns_align) {
    EXPECT_EQ(format_table({"NAME", "STATE"}, {{"a-to-b", "up"}, {"x", "connecting"}}),
              "NAME    STATE\n"
              "a-to-b  up\n"
              "x       connecting\n");
}

TEST(ctl_tables, short_rows_are_padded) {
    EXPECT_EQ(format_table({"A", "B", "C"}, {{"1"}}), "A  B  C\n1\n");
}

json sample_sas() {
    return json::parse(R"({"v":1,"ok":true,"sas":[{
        "id":3,"conn":"a-to-b","state":"established","initiator":true,
        "spi_i":"0123456789abcdef","spi_r":"fedcba9876543210",
        "local":"10.1.0.1[4500]","remote":"10.1.0.2[4500]",
        "local_id":"gw-a.example.org","remote_id":"gw-b.example.org",
        "proposal":"aes256gcm16-prfsha384-x25519","nat_local":true,"nat_remote":false,
        "established":120,"rekey_in":13500,
        "children":[{"id":1,"name":"net","state":"installed","spi_in":"c0000001","spi_out":"c1000002",
          "proposal":"aes256gcm16-esn","mode":"tunnel","udp_encap":true,
          "local_ts":["10.10.1.0/24"],"remote_ts":["10.10.2.0/24"],"established":100,
          "rekey_in":3130,"expires_in":3560,"bytes_in":1234,"packets_in":12,"bytes_out":56789,"packets_out":345}]}]})");
}

TEST(ctl_tables, list_sas_as_swanctl_blocks) {
    EXPECT_EQ(format_sas(sample_sas()),
              "a-to-b: #3, ESTABLISHED, initiator, 0123456789abcdef_i* fedcba9876543210_r\n"
              "  local  'gw-a.example.org' @ 10.1.0.1[4500] (behind NAT)\n"
              "  remote 'gw-b.example.org' @ 10.1.0.2[4500]\n"
              "  aes256gcm16-prfsha384-x25519, established 120s ago\n"
              "  rekey in 3h 45m\n"
              "  net: #1, INSTALLED, TUNNEL, ESP in UDP, aes256gcm16-esn, established 100s ago\n"
              "    rekey in 52m 10s, expires in 59m 20s\n"
              "    in   c0000001  1234 bytes   12 packets\n"
              "    out  c1000002  56789 bytes  345 packets\n"
              "    local  10.10.1.0/24\n"
              "    remote 10.10.2.0/24\n");
}

TEST(ctl_tables, eap_identity_shown_when_there_is_one) {
    auto body = sample_sas();
    body["sas"][0]["remote_eap_id"] = "";
    EXPECT_EQ(format_sas(body).find("EAP"), std::string::npos);
    body["sas"][0]["remote_eap_id"] = "carol";
    EXPECT_NE(format_sas(body).find("  remote 'gw-b.example.org' @ 10.1.0.2[4500]\n"
                                    "  remote EAP identity 'carol'\n"),
              std::string::npos)
        << format_sas(body);
}

TEST(ctl_tables, child_times_shown_when_known) {
    auto body = sample_sas();
    auto& child = body["sas"][0]["children"][0];
    child["state"] = "rekeying";
    child["rekey_in"] = 0;
    child["expires_in"] = nullptr;  // no hard limit
    auto out = format_sas(body);
    EXPECT_NE(out.find("  net: #1, REKEYING, TUNNEL,"), std::string::npos) << out;
    EXPECT_NE(out.find("\n    rekey in 0s\n    in "), std::string::npos) << out;
    child.erase("rekey_in");
    child.erase("state");
    body["sas"][0].erase("rekey_in");
    out = format_sas(body);
    EXPECT_NE(out.find("  net: #1, -, TUNNEL,"), std::string::npos) << out;
    EXPECT_EQ(out.find("rekey in"), std::string::npos) << out;
    EXPECT_EQ(out.find("expires in"), std::string::npos) << out;
}

TEST(ctl_tables, spans_show_two_units) {
    EXPECT_EQ(format_span(0), "0s");
    EXPECT_EQ(format_span(-3), "0s");
    EXPECT_EQ(format_span(45), "45s");
    EXPECT_EQ(format_span(60), "1m");
    EXPECT_EQ(format_span(3130), "52m 10s");
    EXPECT_EQ(format_span(3540), "59m");
    EXPECT_EQ(format_span(3600), "1h");
    EXPECT_EQ(format_span(3600 + 59), "1h");
    EXPECT_EQ(format_span(4 * 3600 - 120), "3h 58m");
    EXPECT_EQ(format_span(2 * 86400 + 4 * 3600 + 5), "2d 4h");
}

TEST(ctl_tables, list_sas_empty_and_missing_members) {
    EXPECT_EQ(format_sas(json::parse(R"({"sas":[]})")), "no IKE_SAs\n");
    const auto out = format_sas(json::parse(R"({"sas":[{"id":1,"state":"connecting"}]})"));
    EXPECT_EQ(out.substr(0, out.find('\n')), "-: #1, CONNECTING, responder, -_i -_r*");
}

TEST(ctl_tables, list_conns_table) {
    const auto body = json::parse(R"({"conns":[{"name":"a-to-b","local_addrs":["10.1.0.1"],
        "remote_addrs":["10.1.0.2"],"local_id":"gw-a","remote_id":"gw-b",
        "proposals":["aes256gcm16-prfsha384-x25519"],
        "children":[{"name":"net","mode":"tunnel","start_action":"start",
          "local_ts":["10.10.1.0/24"],"remote_ts":["10.10.2.0/24"],"esp_proposals":["aes256gcm16-esn"]}]}]})");
    EXPECT_EQ(format_conns(body),
              "NAME    LOCAL     REMOTE    LOCAL ID  REMOTE ID  IKE PROPOSALS\n"
              "a-to-b  10.1.0.1  10.1.0.2  gw-a      gw-b       aes256gcm16-prfsha384-x25519\n"
              "  net  tunnel  start  10.10.1.0/24  ===  10.10.2.0/24  aes256gcm16-esn\n");
    EXPECT_EQ(format_conns(json::parse(R"({"conns":[]})")), "no connections configured\n");
}

TEST(ctl_tables, status_and_command_results) {
    const auto status = format_status(json::parse(
        R"({"version":"0.1.0","pid":7,"uptime":5,"config":"/etc/ikev2d/ikev2d.yaml",
            "listen":["0.0.0.0[500]"],"ike_sas":2,"half_open":1,"counters":{"retransmits":4}})"));
    EXPECT_NE(status.find("version:      0.1.0\n"), std::string::npos) << status;
    EXPECT_NE(status.find("IKE_SAs:      2 (1 half-open)\n"), std::string::npos) << status;
    EXPECT_NE(status.find("retransmits:  4\n"), std::string::npos) << status;
    EXPECT_EQ(status.find("crypto threads:"), std::string::npos) << status;
    const auto with_workers = format_status(json::parse(
        R"({"version":"0.1.0","ike_sas":0,"half_open":0,"crypto_threads":3,
            "counters":{"crypto_jobs":10,"crypto_jobs_inline":1}})"));
    EXPECT_NE(with_workers.find("crypto threads:      3\n"), std::string::npos) << with_workers;
    EXPECT_NE(with_workers.find("crypto_jobs:         10\n"), std::string::npos) << with_workers;
    EXPECT_EQ(format_response(control::command::initiate, json{{"ike", 4}}),
              "initiated IKE_SA #4\n");
    EXPECT_EQ(format_response(control::command::terminate, json{{"terminated", {3, 5}}}),
              "terminating IKE_SA 3, 5\n");
    EXPECT_EQ(format_response(control::command::terminate, json{{"child", 7}, {"ike", 3}}),
              "terminating CHILD_SA #7 of IKE_SA #3\n");
    EXPECT_EQ(format_response(control::command::log_level,
                              json{{"subsystem", "ike"}, {"level", "debug"}}),
              "ike logs at debug\n");
}

}  // namespace
}  // namespace ikev2d::ctl

namespace ikev2d::ctl {
namespace {

TEST(ctl_tables, virtual_ips_and_dns_under_the_ike_sa) {
    auto body = sample_sas();
    auto& sa = body["sas"][0];
    sa["virtual_ips"] = json::array({"10.3.0.1", "fd03::100"});
    sa["dns"] = json::array({"10.3.0.53"});
    sa["dns_domains"] = json::array({"corp.example.org"});
    const auto out = format_sas(body);
    EXPECT_NE(out.find("established 120s ago\n  virtual IP 10.3.0.1, fd03::100, DNS 10.3.0.53, "
                       "search corp.example.org\n  rekey in"),
              std::string::npos)
        << out;
    sa["virtual_ips"] = json::array();
    EXPECT_EQ(format_sas(body).find("virtual IP"), std::string::npos);
}

TEST(ctl_tables, list_pools_as_a_table) {
    auto body = json::parse(R"({"pools":[
        {"name":"rw4","addrs":"10.3.0.1-10.3.0.254","size":254,"online":3,"offline":1},
        {"name":"rw6","addrs":"fd03::100-fd03::1ff","size":256,"online":0,"offline":0}]})");
    EXPECT_EQ(format_response(control::command::list_pools, body),
              "NAME  ADDRESSES            SIZE  ONLINE  OFFLINE\n"
              "rw4   10.3.0.1-10.3.0.254  254   3       1\n"
              "rw6   fd03::100-fd03::1ff  256   0       0\n");
    EXPECT_EQ(format_pools(json::parse(R"({"pools":[]})")), "no pools configured\n");
}

}  // namespace
}  // namespace ikev2d::ctl
