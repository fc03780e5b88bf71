#include "daemon/null_kernel_backend.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

namespace ikev2d {
namespace {

// The benchmark backend reports success for every change and keeps nothing:
// what it "installed" can never be found again.
TEST(null_kernel_backend, accepts_every_change_and_keeps_nothing) {
    null_kernel_backend k;
    xfrm::sa_config sa;
    sa.spi = 0xc0000001;
    const xfrm::sa_id id{sa.dst, sa.spi, sa.proto, {}};
    const std::vector<xfrm::kernel_change> changes{xfrm::sa_add{sa}, xfrm::sa_delete{id},
                                                   xfrm::policy_add{}};
    const auto results = k.apply(changes);
    ASSERT_EQ(results.size(), changes.size());
    for (const auto& r : results) EXPECT_TRUE(r);
    const auto got = k.get_sa(id);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().value(), ESRCH);
    EXPECT_TRUE(k.list_sas()->empty());
    EXPECT_TRUE(k.list_policies()->empty());
    const auto flushed = k.flush_owned();
    ASSERT_TRUE(flushed);
    EXPECT_EQ(flushed->sas_deleted, 0u);
    xfrm::spi_request req;
    req.min = 0xc0000100;
    EXPECT_EQ(k.alloc_spi(req).value(), 0xc0000100u);
}

}  // namespace
}  // namespace ikev2d
