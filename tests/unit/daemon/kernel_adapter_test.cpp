#include "daemon/kernel_adapter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

#include "daemon/kernel_translate.hpp"

namespace ikev2d {
namespace {

/// Records every change; fails the changes whose index is in fail_at.
class fake_kernel final : public xfrm::kernel_backend {
  public:
    std::vector<xfrm::kernel_change> log;
    std::vector<std::size_t> fail_at;  ///< indexes into the next batch
    std::size_t batches = 0;

    std::expected<std::uint32_t, xfrm::kernel_error> alloc_spi(const xfrm::spi_request&) override {
        return 0xc0000001;
    }
    std::vector<std::expected<void, xfrm::kernel_error>> apply(
        std::span<const xfrm::kernel_change> changes) override {
        ++batches;
        std::vector<std::expected<void, xfrm::kernel_error>> out;
        for (std::size_t i = 0; i < changes.size(); ++i) {
            log.push_back(changes[i]);
            if (std::ranges::find(fail_at, i) != fail_at.end()) {
                out.push_back(std::unexpected(xfrm::make_kernel_error(EEXIST, "add SA")));
            } else {
                out.emplace_back();
            }
        }
        fail_at.clear();
        return out;
    }
    std::vector<xfrm::sa_id> gets;
    std::uint32_t missing_spi = 0;                     ///< get_sa answers ESRCH for it
    std::map<std::uint32_t, std::uint64_t> last_used;  ///< by SPI
    std::expected<xfrm::sa_state, xfrm::kernel_error> get_sa(const xfrm::sa_id& id) override {
        gets.push_back(id);
        if (id.spi == missing_spi) return std::unexpected(xfrm::make_kernel_error(ESRCH, "get SA"));
        xfrm::sa_state s;
        s.spi = id.spi;
        s.usage.bytes = id.spi & 0xff;
        s.usage.packets = 1;
        if (auto it = last_used.find(id.spi); it != last_used.end()) s.last_used = it->second;
        return s;
    }
    std::expected<xfrm::policy_state, xfrm::kernel_error> get_policy(
        const xfrm::policy_id&) override {
        return std::unexpected(xfrm::make_kernel_error(ENOENT, "get policy"));
    }
    std::expected<std::vector<xfrm::sa_state>, xfrm::kernel_error> list_sas() override {
        return {};
    }
    std::expected<std::vector<xfrm::policy_state>, xfrm::kernel_error> list_policies() override {
        return {};
    }
    std::expected<xfrm::flush_report, xfrm::kernel_error> flush_owned() override { return {}; }

    template <typename T>
    std::size_t count() const {
        return std::ranges::count_if(log,
                                     [](const auto& c) { return std::holds_alternative<T>(c); });
    }
};

ike::install_child_sa child(ike::child_sa_id id, std::uint32_t spi_in) {
    ike::install_child_sa req;
    req.ike = 1, req.child = id, req.name = "a-to-b/net";
    req.spi_in = spi_in, req.spi_out = spi_in + 0x100;
    req.local = {ike::ip_addr::v4(10, 1, 0, 1), 500};
    req.remote = {ike::ip_addr::v4(10, 1, 0, 2), 500};
    req.local_ts = {ike::ts_from_cidr("10.10.1.0/24").value()};
    req.remote_ts = {ike::ts_from_cidr("10.10.2.0/24").value()};
    req.keys.encr = ike::encr_id::aes_gcm_16;
    req.keys.encr_in = ike::secret(ike::bytes(20, 1));
    req.keys.encr_out = ike::secret(ike::bytes(20, 2));
    return req;
}

ike::remove_child_sa removal(const ike::install_child_sa& req) {
    return {req.ike, req.child, req.spi_in, req.spi_out, req.local, req.remote};
}

TEST(kernel_adapter, install_is_one_batch_inbound_first) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    ASSERT_TRUE(a.install(child(1, 0xc0000010)));
    EXPECT_EQ(k.batches, 1u);
    ASSERT_EQ(k.log.size(), 5u);  // in SA, out SA, in/fwd/out policy
    const auto& first = std::get<xfrm::sa_add>(k.log[0]).sa;
    EXPECT_EQ(first.direction, xfrm::sa_direction::inbound);
    EXPECT_TRUE(default_ownership().owns_reqid(first.reqid));
    EXPECT_EQ(std::get<xfrm::sa_add>(k.log[1]).sa.direction, xfrm::sa_direction::outbound);
    EXPECT_EQ(k.count<xfrm::policy_update>(), 3u);
}

TEST(kernel_adapter, rekeyed_child_shares_reqid_and_policies_stay_until_last) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    const auto old_child = child(1, 0xc0000010), new_child = child(2, 0xc0000020);
    ASSERT_TRUE(a.install(old_child));
    ASSERT_TRUE(a.install(new_child));
    EXPECT_EQ(std::get<xfrm::sa_add>(k.log[0]).sa.reqid, std::get<xfrm::sa_add>(k.log[5]).sa.reqid);
    k.log.clear();
    ASSERT_TRUE(a.remove(removal(old_child)));
    EXPECT_EQ(k.count<xfrm::sa_delete>(), 2u);
    EXPECT_EQ(k.count<xfrm::policy_delete>(), 0u);
    k.log.clear();
    ASSERT_TRUE(a.remove(removal(new_child)));
    EXPECT_EQ(k.count<xfrm::policy_delete>(), 3u);
}

ike::install_child_sa rekey_of(const ike::install_child_sa& old, ike::child_sa_id id,
                               std::uint32_t spi_in, bool outbound_later) {
    auto req = child(id, spi_in);
    req.name = old.name, req.local_ts = old.local_ts, req.remote_ts = old.remote_ts;
    req.rekey_of = old.child;
    req.outbound_later = outbound_later;
    return req;
}

const xfrm::sa_config& added_sa(const xfrm::kernel_change& c) {
    return std::get<xfrm::sa_add>(c).sa;
}

TEST(kernel_adapter, rekey_install_shares_reqid_and_adds_no_policies_twice) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    const auto old_child = child(1, 0xc0000010);
    ASSERT_TRUE(a.install(old_child));
    const auto reqid = added_sa(k.log[0]).reqid;
    k.log.clear();
    ASSERT_TRUE(a.install(rekey_of(old_child, 2, 0xc0000020, false)));
    ASSERT_EQ(k.log.size(), 2u);  // both SAs, no policies
    EXPECT_EQ(added_sa(k.log[0]).spi, 0xc0000020u);
    EXPECT_EQ(added_sa(k.log[0]).direction, xfrm::sa_direction::inbound);
    EXPECT_EQ(added_sa(k.log[1]).spi, 0xc0000120u);
    EXPECT_EQ(added_sa(k.log[0]).reqid, reqid);
    EXPECT_EQ(added_sa(k.log[1]).reqid, reqid);
}

TEST(kernel_adapter, outbound_later_installs_inbound_then_outbound) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    const auto old_child = child(1, 0xc0000010);
    ASSERT_TRUE(a.install(old_child));
    const auto reqid = added_sa(k.log[0]).reqid;
    k.log.clear();
    ASSERT_TRUE(a.install(rekey_of(old_child, 2, 0xc0000020, true)));
    ASSERT_EQ(k.log.size(), 1u);
    EXPECT_EQ(added_sa(k.log[0]).direction, xfrm::sa_direction::inbound);
    EXPECT_EQ(added_sa(k.log[0]).spi, 0xc0000020u);
    const auto pending = a.usage(2);  // nothing sent on an SA that is not there
    ASSERT_TRUE(pending);
    EXPECT_EQ(pending->bytes_in, 0x20u);
    EXPECT_EQ(pending->bytes_out, 0u);
    k.log.clear();
    const auto spi = a.install_outbound({1, 2});
    ASSERT_TRUE(spi) << spi.error();
    EXPECT_EQ(*spi, 0xc0000120u);
    ASSERT_EQ(k.log.size(), 1u);
    const auto& out = added_sa(k.log[0]);
    EXPECT_EQ(out.direction, xfrm::sa_direction::outbound);
    EXPECT_EQ(out.spi, 0xc0000120u);
    EXPECT_EQ(out.reqid, reqid);
    EXPECT_EQ(out.dst.to_string(), "10.1.0.2");
    ASSERT_TRUE(out.aead);
    EXPECT_EQ(out.aead->key.size(), 20u);  // the outbound key, kept until now
    EXPECT_EQ(out.aead->key.view()[0], 2);
    EXPECT_EQ(a.usage(2)->bytes_out, 0x20u);
    // Once installed there is nothing left to install.
    const auto again = a.install_outbound({1, 2});
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().find("no outbound SA held"), std::string::npos) << again.error();
    EXPECT_FALSE(a.install_outbound({1, 9}));
}

TEST(kernel_adapter, outbound_later_adds_policies_when_missing) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    auto req = child(1, 0xc0000010);
    req.outbound_later = true;
    ASSERT_TRUE(a.install(req));
    ASSERT_EQ(k.log.size(), 4u);  // inbound SA, in/fwd/out policy
    EXPECT_EQ(k.count<xfrm::sa_add>(), 1u);
    EXPECT_EQ(k.count<xfrm::policy_update>(), 3u);
}

TEST(kernel_adapter, failed_outbound_install_stays_held) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    auto req = child(1, 0xc0000010);
    req.outbound_later = true;
    ASSERT_TRUE(a.install(req));
    k.fail_at = {0};
    const auto r = a.install_outbound({1, 1});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("File exists"), std::string::npos) << r.error();
    EXPECT_TRUE(a.install_outbound({1, 1}));
}

TEST(kernel_adapter, removing_the_rekeyed_child_keeps_the_policies) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    const auto old_child = child(1, 0xc0000010);
    const auto new_child = rekey_of(old_child, 2, 0xc0000020, true);
    ASSERT_TRUE(a.install(old_child));
    ASSERT_TRUE(a.install(new_child));
    ASSERT_TRUE(a.install_outbound({1, 2}));
    k.log.clear();
    ASSERT_TRUE(a.remove(removal(old_child)));
    ASSERT_EQ(k.log.size(), 2u);
    EXPECT_EQ(std::get<xfrm::sa_delete>(k.log[0]).id.spi, 0xc0000110u);  // outbound first
    EXPECT_EQ(std::get<xfrm::sa_delete>(k.log[1]).id.spi, 0xc0000010u);
    EXPECT_EQ(k.count<xfrm::policy_delete>(), 0u);
    k.log.clear();
    ASSERT_TRUE(a.remove(removal(new_child)));
    EXPECT_EQ(k.count<xfrm::sa_delete>(), 2u);
    EXPECT_EQ(k.count<xfrm::policy_delete>(), 3u);
}

TEST(kernel_adapter, other_endpoints_rewrite_the_shared_policies) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    ASSERT_TRUE(a.install(child(1, 0xc0000010)));
    k.log.clear();
    auto moved = child(2, 0xc0000020);  // same selectors, the peer at another address
    moved.remote.ip = ike::ip_addr::v4(10, 1, 0, 3);
    ASSERT_TRUE(a.install(moved));
    ASSERT_EQ(k.count<xfrm::policy_update>(), 3u);
    const auto& out = std::get<xfrm::policy_update>(k.log.back()).policy;
    EXPECT_EQ(out.templates.at(0).dst.to_string(), "10.1.0.3");
}

TEST(kernel_adapter, expire_lookup_finds_both_sas) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    const auto c1 = child(1, 0xc0000010);
    auto c2 = child(2, 0xc0000020);
    c2.outbound_later = true;
    ASSERT_TRUE(a.install(c1));
    ASSERT_TRUE(a.install(c2));
    EXPECT_EQ(a.child_for_sa(inbound_sa_id(c1.local.ip, 0xc0000010)), 1u);
    EXPECT_EQ(a.child_for_sa(outbound_sa_id(c1.remote.ip, 0xc0000110)), 1u);
    EXPECT_EQ(a.child_for_sa(inbound_sa_id(c2.local.ip, 0xc0000020)), 2u);
    // As the kernel reports it: the SA's state, the rest of the address zero.
    xfrm::sa_state reported;
    reported.dst = *xfrm::ip_address::parse("10.1.0.2");
    reported.spi = 0xc0000110;
    reported.proto = xfrm::proto_esp;
    EXPECT_EQ(a.child_for_sa(reported.id()), 1u);
    // Not ours: another SPI, another destination, another protocol.
    EXPECT_FALSE(a.child_for_sa(outbound_sa_id(c1.remote.ip, 0xc0000111)));
    EXPECT_FALSE(a.child_for_sa(outbound_sa_id(ike::ip_addr::v4(10, 1, 0, 9), 0xc0000110)));
    auto ah = outbound_sa_id(c1.remote.ip, 0xc0000110);
    ah.proto = 51;
    EXPECT_FALSE(a.child_for_sa(ah));
    ASSERT_TRUE(a.remove(removal(c1)));
    EXPECT_FALSE(a.child_for_sa(inbound_sa_id(c1.local.ip, 0xc0000010)));
}

TEST(kernel_adapter, failed_install_rolls_back) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    k.fail_at = {1};  // the outbound SA
    const auto r = a.install(child(1, 0xc0000010));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("File exists"), std::string::npos) << r.error();
    EXPECT_EQ(k.count<xfrm::sa_delete>(), 2u);
    EXPECT_EQ(k.count<xfrm::policy_delete>(), 3u);
    EXPECT_FALSE(a.usage(1));
}

TEST(kernel_adapter, usage_reads_both_sas) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    ASSERT_TRUE(a.install(child(4, 0xc0000010)));
    const auto u = a.usage(4);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->bytes_in, 0x10u);
    EXPECT_EQ(u->bytes_out, 0x10u);  // spi_out 0xc0000110
    EXPECT_FALSE(a.usage(5));
}

// Liveness: one GETSA per CHILD_SA asked about, on its inbound SA only; a
// CHILD_SA the adapter does not know, or whose SA the kernel cannot report,
// is left out of the answer.
TEST(kernel_adapter, inbound_usage_answers_a_liveness_query) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    ASSERT_TRUE(a.install(child(4, 0xc0000010)));
    ASSERT_TRUE(a.install(child(5, 0xc0000021)));
    k.gets.clear();
    const ike::time_point now{std::chrono::hours(100)};
    const std::chrono::system_clock::time_point wall{std::chrono::seconds(1700000000)};
    k.last_used[0xc0000010] = 1700000000 - 3;  // 3 s ago by the kernel's clock
    k.last_used[0xc0000021] = 1700000000 + 1;  // a clock step: not in the future
    const auto usage = a.inbound_usage(ike::query_child_usage{1, {4, 9, 5}}, now, wall);
    ASSERT_EQ(usage.size(), 2u);
    EXPECT_EQ(usage[0].child, 4u);
    EXPECT_EQ(usage[0].bytes, 0x10u);  // the inbound SA's counter, not the outbound one
    EXPECT_EQ(usage[1].child, 5u);
    EXPECT_EQ(usage[1].bytes, 0x21u);
    EXPECT_EQ(usage[0].last_used, now - std::chrono::seconds(3));
    EXPECT_EQ(usage[1].last_used, now);
    ASSERT_EQ(k.gets.size(), 2u);
    EXPECT_EQ(k.gets[0].spi, 0xc0000010u);
    EXPECT_EQ(k.gets[1].spi, 0xc0000021u);
    k.missing_spi = 0xc0000021;  // e.g. the kernel's hard expire removed it
    k.last_used.clear();         // a kernel that does not say
    const auto partial = a.inbound_usage(ike::query_child_usage{1, {4, 5}}, now, wall);
    ASSERT_EQ(partial.size(), 1u);
    EXPECT_EQ(partial[0].child, 4u);
    EXPECT_FALSE(partial[0].last_used);
    EXPECT_TRUE(a.inbound_usage(ike::query_child_usage{1, {}}, now, wall).empty());
}

TEST(kernel_adapter, traps_keep_policies_and_map_acquires) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    const trap_spec trap{"a-to-b",
                         "net",
                         ike::ip_addr::v4(10, 1, 0, 1),
                         ike::ip_addr::v4(10, 1, 0, 2),
                         {ike::ts_from_cidr("10.10.1.0/24").value()},
                         {ike::ts_from_cidr("10.10.2.0/24").value()},
                         ike::ipsec_mode::tunnel};
    ASSERT_TRUE(a.install_trap(trap));
    ASSERT_EQ(k.count<xfrm::policy_update>(), 3u);
    const auto reqid = std::get<xfrm::policy_update>(k.log[0]).policy.templates.at(0).reqid;
    const auto* found = a.trap_for_reqid(reqid);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->child, "net");
    EXPECT_EQ(a.trap_for_reqid(reqid + 1), nullptr);
    // The negotiated child uses the trap's reqid; removing it keeps the policies.
    const auto c = child(1, 0xc0000010);
    ASSERT_TRUE(a.install(c));
    EXPECT_EQ(std::get<xfrm::sa_add>(k.log[3]).sa.reqid, reqid);
    k.log.clear();
    ASSERT_TRUE(a.remove(removal(c)));
    EXPECT_EQ(k.count<xfrm::policy_delete>(), 0u);
    a.remove_trap("a-to-b", "net");
    EXPECT_EQ(k.count<xfrm::policy_delete>(), 3u);
    EXPECT_TRUE(a.traps().empty());
}

TEST(kernel_adapter, default_ownership_is_the_default_reqid_range) {
    const auto o = default_ownership();
    EXPECT_EQ(o.reqid_min, 0x4b450001u);
    EXPECT_EQ(o.reqid_max, 0x4b45ffffu);
    EXPECT_GT(o.bypass_priority_min, o.bypass_priority_max);  // no bypass band
    config::daemon_config d;
    d.reqid_min = 100, d.reqid_max = 199;
    const auto custom = ownership_for(d);
    EXPECT_TRUE(custom.owns_reqid(100));
    EXPECT_TRUE(custom.owns_reqid(199));
    EXPECT_FALSE(custom.owns_reqid(99));
    EXPECT_FALSE(custom.owns_reqid(200));
    EXPECT_FALSE(custom.owns_reqid(0x4b450001));
}

TEST(kernel_adapter, allocates_from_the_configured_range_up_to_0xffffffff) {
    fake_kernel k;
    config::daemon_config d;
    d.reqid_min = 0xfffffffe, d.reqid_max = 0xffffffff;  // two reqids, at the very top
    kernel_adapter a(k, ownership_for(d));
    auto named = [](ike::child_sa_id id, std::string name) {
        auto req = child(id, 0xc0000010 + id * 0x10);
        req.name = std::move(name);
        return req;
    };
    const auto first = named(1, "one/net"), second = named(2, "two/net");
    ASSERT_TRUE(a.install(first));
    ASSERT_TRUE(a.install(second));
    EXPECT_EQ(std::get<xfrm::sa_add>(k.log[0]).sa.reqid, 0xfffffffeu);
    EXPECT_EQ(std::get<xfrm::sa_add>(k.log[5]).sa.reqid, 0xffffffffu);
    // The range is used up: a third policy set gets no reqid.
    const auto r = a.install(named(3, "three/net"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("no free reqid"), std::string::npos) << r.error();
    // Freed reqids are reused (wrapping at the top of the range).
    ASSERT_TRUE(a.remove(removal(first)));
    k.log.clear();
    ASSERT_TRUE(a.install(named(4, "three/net")));
    EXPECT_EQ(std::get<xfrm::sa_add>(k.log.at(0)).sa.reqid, 0xfffffffeu);
}

TEST(kernel_adapter, dynamic_trap_uses_the_hosts) {
    fake_kernel k;
    kernel_adapter a(k, default_ownership());
    const trap_spec trap{"h", "c", ike::ip_addr::v4(10, 1, 0, 1), ike::ip_addr::v4(10, 1, 0, 2),
                         {},  {},  ike::ipsec_mode::transport};
    ASSERT_TRUE(a.install_trap(trap));
    ASSERT_EQ(k.count<xfrm::policy_update>(), 2u);
    const auto& out = std::get<xfrm::policy_update>(k.log[1]).policy;
    EXPECT_EQ(out.sel.src.to_string(), "10.1.0.1");
    EXPECT_EQ(out.sel.src_prefix, 32);
    EXPECT_EQ(out.sel.dst.to_string(), "10.1.0.2");
}

}  // namespace
}  // namespace ikev2d
