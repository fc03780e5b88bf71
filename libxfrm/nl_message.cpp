#include "libxfrm/nl_message.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <memory>
#include <utility>

namespace xfrm {

nl_message::nl_message(ike::bytes_view data) : data_(data.begin(), data.end()) {}

nl_message::nl_message(nl_message&& other) noexcept : data_(std::move(other.data_)) {
    other.data_.clear();
}

nl_message& nl_message::operator=(const nl_message& other) {
    if (this != &other) {
        wipe();
        data_ = other.data_;
    }
    return *this;
}

nl_message& nl_message::operator=(nl_message&& other) noexcept {
    if (this != &other) {
        wipe();
        data_ = std::move(other.data_);
        other.data_.clear();
    }
    return *this;
}

nl_message::~nl_message() {
    wipe();
}

void nl_message::wipe() {
    if (!data_.empty()) OPENSSL_cleanse(data_.data(), data_.size());
    data_.clear();
}

nlmsghdr* nl_message::header() {
    assert(data_.size() >= sizeof(nlmsghdr));
    return reinterpret_cast<nlmsghdr*>(data_.data());
}

const nlmsghdr* nl_message::header() const {
    assert(data_.size() >= sizeof(nlmsghdr));
    return reinterpret_cast<const nlmsghdr*>(data_.data());
}

namespace {

// The thread's scratch buffer: all zero whenever no builder holds it.
struct scratch_slot {
    std::unique_ptr<std::uint8_t[]> buffer{new std::uint8_t[nl_builder::capacity]()};
    bool taken = false;
};

thread_local scratch_slot thread_scratch;

}  // namespace

nl_builder::nl_builder(std::uint16_t type, std::uint16_t flags) {
    if (!thread_scratch.taken) {
        thread_scratch.taken = true;
        scratch_ = thread_scratch.buffer.get();
    } else {
        own_.reset(new std::uint8_t[capacity]());
        scratch_ = own_.get();
    }
    nlh_ = mnl_nlmsg_put_header(scratch_);
    nlh_->nlmsg_type = type;
    nlh_->nlmsg_flags = static_cast<std::uint16_t>(flags | NLM_F_REQUEST);
}

// Every write stays inside nlmsg_len (libmnl and put_zeroed grow it first,
// the assertions keep it within capacity), so zeroing that much restores the
// all-zero buffer and wipes the keys.
nl_builder::~nl_builder() {
    OPENSSL_cleanse(scratch_, std::min<std::size_t>(nlh_->nlmsg_len, capacity));
    if (!own_) thread_scratch.taken = false;
}

void* nl_builder::put_extra(std::size_t len) {
    assert(nlh_->nlmsg_len + MNL_ALIGN(len) <= capacity);
    return mnl_nlmsg_put_extra_header(nlh_, len);
}

void nl_builder::put_bytes(std::uint16_t type, ike::bytes_view payload) {
    bool ok = mnl_attr_put_check(nlh_, capacity, type, payload.size(), payload.data());
    assert(ok && "netlink message exceeds nl_builder::capacity");
    (void)ok;
}

std::uint8_t* nl_builder::put_zeroed(std::uint16_t type, std::size_t len) {
    assert(nlh_->nlmsg_len + MNL_ATTR_HDRLEN + MNL_ALIGN(len) <= capacity);
    auto* attr = static_cast<nlattr*>(mnl_nlmsg_get_payload_tail(nlh_));
    attr->nla_type = type;
    attr->nla_len = static_cast<std::uint16_t>(MNL_ATTR_HDRLEN + len);
    auto* payload = static_cast<std::uint8_t*>(mnl_attr_get_payload(attr));
    std::memset(payload, 0, MNL_ALIGN(len));
    nlh_->nlmsg_len += MNL_ALIGN(attr->nla_len);
    return payload;
}

nl_message nl_builder::finish() {
    return nl_message(ike::bytes_view{scratch_, nlh_->nlmsg_len});
}

std::expected<const nlmsghdr*, parse_error> message_header(ike::bytes_view msg) {
    if (msg.size() < sizeof(nlmsghdr)) return std::unexpected(parse_error{"short netlink header"});
    auto* nlh = reinterpret_cast<const nlmsghdr*>(msg.data());
    if (nlh->nlmsg_len < sizeof(nlmsghdr) || nlh->nlmsg_len > msg.size())
        return std::unexpected(parse_error{"netlink length field out of range"});
    return nlh;
}

std::expected<std::vector<ike::bytes_view>, parse_error> split_messages(ike::bytes_view datagram) {
    std::vector<ike::bytes_view> out;
    std::size_t off = 0;
    while (off < datagram.size()) {
        auto hdr = message_header(datagram.subspan(off));
        if (!hdr) return std::unexpected(hdr.error());
        std::size_t len = (*hdr)->nlmsg_len;
        out.push_back(datagram.subspan(off, len));
        off += std::min<std::size_t>(MNL_ALIGN(len), datagram.size() - off);
    }
    return out;
}

std::string message_type_name(std::uint16_t type) {
    switch (type) {
        case NLMSG_ERROR:
            return "NLMSG_ERROR";
        case NLMSG_DONE:
            return "NLMSG_DONE";
        case XFRM_MSG_NEWSA:
            return "XFRM_MSG_NEWSA";
        case XFRM_MSG_DELSA:
            return "XFRM_MSG_DELSA";
        case XFRM_MSG_GETSA:
            return "XFRM_MSG_GETSA";
        case XFRM_MSG_NEWPOLICY:
            return "XFRM_MSG_NEWPOLICY";
        case XFRM_MSG_DELPOLICY:
            return "XFRM_MSG_DELPOLICY";
        case XFRM_MSG_GETPOLICY:
            return "XFRM_MSG_GETPOLICY";
        case XFRM_MSG_ALLOCSPI:
            return "XFRM_MSG_ALLOCSPI";
        case XFRM_MSG_ACQUIRE:
            return "XFRM_MSG_ACQUIRE";
        case XFRM_MSG_EXPIRE:
            return "XFRM_MSG_EXPIRE";
        case XFRM_MSG_UPDPOLICY:
            return "XFRM_MSG_UPDPOLICY";
        case XFRM_MSG_UPDSA:
            return "XFRM_MSG_UPDSA";
        case XFRM_MSG_POLEXPIRE:
            return "XFRM_MSG_POLEXPIRE";
        case XFRM_MSG_FLUSHSA:
            return "XFRM_MSG_FLUSHSA";
        case XFRM_MSG_FLUSHPOLICY:
            return "XFRM_MSG_FLUSHPOLICY";
        case XFRM_MSG_MAPPING:
            return "XFRM_MSG_MAPPING";
        default:
            return "netlink message type " + std::to_string(type);
    }
}

}  // namespace xfrm
