// NLMSG_ERROR parsing: plain ACK, capped error with extended-ack text, and
// uncapped error that echoes the whole request.
#include "libxfrm/netlink_ack.hpp"

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include <cerrno>

#include "raw_netlink.hpp"

namespace {

using namespace xfrm;

struct capped_error {
    int error;
    nlmsghdr request;
};

TEST(netlink_ack, plain_ack) {
    capped_error e{0, {}};
    e.request.nlmsg_type = XFRM_MSG_NEWPOLICY;
    auto msg = xfrm_test::raw_writer(NLMSG_ERROR, NLM_F_CAPPED, 17).fixed(e).done();
    auto ack = parse_ack(msg);
    ASSERT_TRUE(ack) << ack.error().what;
    EXPECT_EQ(ack->seq, 17u);
    EXPECT_EQ(ack->error, 0);
    EXPECT_EQ(ack->request_type, XFRM_MSG_NEWPOLICY);
    EXPECT_TRUE(ack->message.empty());
}

TEST(netlink_ack, capped_error_with_extended_ack_text) {
    capped_error e{-EPROTONOSUPPORT, {}};
    e.request.nlmsg_type = XFRM_MSG_NEWSA;
    e.request.nlmsg_len = 436;  // the request was long; capped means it is not echoed
    const char text[] = "Requested type not found";
    std::uint32_t offs = 0;
    auto msg = xfrm_test::raw_writer(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 99)
                   .fixed(e)
                   .attr(NLMSGERR_ATTR_MSG, text, sizeof text)
                   .attr(NLMSGERR_ATTR_OFFS, offs)
                   .done();
    auto ack = parse_ack(msg);
    ASSERT_TRUE(ack) << ack.error().what;
    EXPECT_EQ(ack->seq, 99u);
    EXPECT_EQ(ack->error, EPROTONOSUPPORT);
    EXPECT_EQ(ack->message, "Requested type not found");
    kernel_error err = ack->to_error();
    EXPECT_EQ(err.value(), EPROTONOSUPPORT);
    EXPECT_NE(err.what.find("XFRM_MSG_NEWSA"), std::string::npos);
    EXPECT_NE(err.what.find("Requested type not found"), std::string::npos);
    EXPECT_TRUE(lacks_esp(err));
    EXPECT_NE(explain_sa_install_error(err).what.find("esp4/esp6"), std::string::npos);
}

TEST(netlink_ack, uncapped_error_skips_echoed_request) {
    struct {
        int error;
        nlmsghdr request;
        std::uint8_t body[20];
    } e{};
    e.error = -EEXIST;
    e.request.nlmsg_type = XFRM_MSG_NEWPOLICY;
    e.request.nlmsg_len = sizeof(nlmsghdr) + sizeof e.body;
    std::memset(e.body, 0xab, sizeof e.body);  // would be garbage TLVs if not skipped
    const char text[] = "duplicate";
    auto msg = xfrm_test::raw_writer(NLMSG_ERROR, NLM_F_ACK_TLVS, 5)
                   .fixed(e)
                   .attr(NLMSGERR_ATTR_MSG, text, sizeof text)
                   .done();
    auto ack = parse_ack(msg);
    ASSERT_TRUE(ack) << ack.error().what;
    EXPECT_EQ(ack->error, EEXIST);
    EXPECT_EQ(ack->message, "duplicate");
}

TEST(netlink_ack, rejects_other_types_and_short_messages) {
    capped_error e{0, {}};
    auto done = xfrm_test::raw_writer(NLMSG_DONE).fixed(e).done();
    EXPECT_FALSE(parse_ack(done));
    auto shorter = xfrm_test::raw_writer(NLMSG_ERROR).fixed(std::uint32_t{0}).done();
    EXPECT_FALSE(parse_ack(shorter));
    capped_error big{-EINVAL, {}};
    big.request.nlmsg_len = 4000;  // claims an echo longer than the message
    auto lying = xfrm_test::raw_writer(NLMSG_ERROR, NLM_F_ACK_TLVS).fixed(big).done();
    EXPECT_FALSE(parse_ack(lying));
}

}  // namespace
