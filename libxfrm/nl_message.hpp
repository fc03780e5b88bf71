#pragma once
// Netlink message framing for libxfrm: an owned message buffer that wipes
// itself (SA messages carry keys), a builder over libmnl, and the splitting of
// a received datagram into its messages.
//
//   +----------------+------------------+---------+---------+-----
//   | nlmsghdr (16)  | fixed struct     | nlattr  | nlattr  | ...
//   | len type flags | (xfrm_usersa_... | TLV,    | TLV,    |
//   | seq pid        |  4-byte aligned) | aligned | aligned |
//   +----------------+------------------+---------+---------+-----
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "libike/common/bytes.hpp"

struct nlmsghdr;

namespace xfrm {

/// A malformed message from the kernel (or from a test).
struct parse_error {
    std::string what;
};

/// One netlink message, header included. Owns its bytes and wipes them with
/// OPENSSL_cleanse on destruction and reassignment.
class nl_message {
  public:
    nl_message() = default;
    /// Copies `data`; precondition: it holds one whole message.
    explicit nl_message(ike::bytes_view data);
    nl_message(const nl_message& other) : data_(other.data_) {}
    nl_message(nl_message&& other) noexcept;
    nl_message& operator=(const nl_message& other);
    nl_message& operator=(nl_message&& other) noexcept;
    ~nl_message();

    ike::bytes_view view() const { return {data_.data(), data_.size()}; }
    std::size_t size() const { return data_.size(); }
    bool empty() const { return data_.empty(); }
    /// The header; precondition: !empty().
    nlmsghdr* header();
    const nlmsghdr* header() const;

  private:
    void wipe();
    std::vector<std::uint8_t> data_;
};

/// Builds one message in a scratch buffer with libmnl. Attributes larger than
/// the remaining space are a programming error (the builders size their input
/// far below `capacity`), caught by an assertion.
///
/// The scratch buffer is one zeroed buffer per thread, reused: each builder
/// wipes (zeroes) the bytes its message used, so the buffer is all zero again
/// for the next one and no message pays for clearing `capacity` bytes. A
/// builder made while another one on the same thread is alive gets a zeroed
/// buffer of its own.
class nl_builder {
  public:
    static constexpr std::size_t capacity = 16384;

    /// Starts a message of `type` with `flags` (NLM_F_REQUEST is always added).
    nl_builder(std::uint16_t type, std::uint16_t flags);
    nl_builder(const nl_builder&) = delete;
    nl_builder& operator=(const nl_builder&) = delete;
    ~nl_builder();

    /// Appends the zeroed fixed-size struct that follows the header.
    template <class T>
    T& put_struct() {
        return *static_cast<T*>(put_extra(sizeof(T)));
    }
    /// Appends an attribute whose payload is the bytes of `value`.
    template <class T>
    void put_attr(std::uint16_t type, const T& value) {
        put_bytes(type, {reinterpret_cast<const std::uint8_t*>(&value), sizeof(T)});
    }
    void put_bytes(std::uint16_t type, ike::bytes_view payload);
    /// Appends an attribute with a zeroed payload of `len` bytes and returns it,
    /// for variable-length structs (xfrm_algo_aead + key).
    std::uint8_t* put_zeroed(std::uint16_t type, std::size_t len);

    /// The finished message; the scratch buffer is wiped.
    nl_message finish();

  private:
    void* put_extra(std::size_t len);
    std::unique_ptr<std::uint8_t[]> own_;  // only when the thread's buffer is taken
    std::uint8_t* scratch_;
    nlmsghdr* nlh_;
};

/// Splits a received datagram into its messages (views into `datagram`).
/// Errors: a message whose length field is short or runs past the datagram.
std::expected<std::vector<ike::bytes_view>, parse_error> split_messages(ike::bytes_view datagram);

/// The header of `msg` if it is at least a header long and its length field
/// matches; otherwise a parse_error. Does not copy.
std::expected<const nlmsghdr*, parse_error> message_header(ike::bytes_view msg);

/// Human-readable name of an XFRM or netlink control message type ("XFRM_MSG_NEWSA").
std::string message_type_name(std::uint16_t type);

}  // namespace xfrm
