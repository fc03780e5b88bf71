#include "libike/common/bytes.hpp"

#include <gtest/gtest.h>

#include "libike/common/iana.hpp"

TEST(bytes, hex_round_trip) {
    bool ok = false;
    auto b = ike::from_hex("00 ff:10\nAb", &ok);
    ASSERT_TRUE(ok);
    EXPECT_EQ(b, (ike::bytes{0x00, 0xff, 0x10, 0xab}));
    EXPECT_EQ(ike::to_hex(b), "00ff10ab");
}

TEST(bytes, hex_rejects_odd_and_bad_digits) {
    bool ok = true;
    EXPECT_TRUE(ike::from_hex("abc", &ok).empty());
    EXPECT_FALSE(ok);
    EXPECT_TRUE(ike::from_hex("zz", &ok).empty());
    EXPECT_FALSE(ok);
}

TEST(iana, names_and_unknowns) {
    EXPECT_EQ(ike::to_string(ike::notify_type::no_proposal_chosen), "NO_PROPOSAL_CHOSEN");
    EXPECT_EQ(ike::to_string(ike::exchange_type::ike_sa_init), "IKE_SA_INIT");
    EXPECT_EQ(ike::to_string(static_cast<ike::notify_type>(9999)), "UNKNOWN(9999)");
    EXPECT_TRUE(ike::is_error(ike::notify_type::authentication_failed));
    EXPECT_FALSE(ike::is_error(ike::notify_type::cookie));
}
