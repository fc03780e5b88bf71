#pragma once
// The EAP-TLS type data (RFC 5216 §3.1, §3.2): a flags octet, an optional
// total length, and a piece of the TLS byte stream. A TLS flight larger
// than one EAP packet travels in fragments, each acknowledged by an empty
// packet from the other side (§2.1.5); this file holds the codec, the
// reassembly of incoming fragments and the cutting of outgoing flights.
//
//    0 1 2 3 4 5 6 7
//   +-+-+-+-+-+-+-+-+-------------------------------+---------------
//   |L M S 0 0 0 0 0| TLS Message Length (4 octets, | TLS Data ...
//   +-+-+-+-+-+-+-+-+  only when L is set)          +---------------
//
//   L  the length field is present: the size of the whole flight
//   M  more fragments follow
//   S  EAP-TLS Start (server's first request, no data)
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>

#include "libike/common/bytes.hpp"
#include "libike/eap/eap_error.hpp"

namespace ike::eap_tls {

inline constexpr std::uint8_t flag_length = 0x80;
inline constexpr std::uint8_t flag_more = 0x40;
inline constexpr std::uint8_t flag_start = 0x20;

/// The largest flight we reassemble: a few certificates and handshake
/// messages fit many times over; a peer announcing more is refused before
/// we buffer anything.
inline constexpr std::uint32_t max_message_size = 64 * 1024;

struct fragment {
    std::uint8_t flags = 0;
    std::optional<std::uint32_t> total_length;  ///< present iff flag_length
    bytes data;

    bool start() const { return (flags & flag_start) != 0; }
    bool more() const { return (flags & flag_more) != 0; }
    /// An acknowledgement: no flags that matter, no data (§2.1.5).
    bool is_ack() const { return !start() && !more() && !total_length && data.empty(); }
};

/// Decodes EAP-TLS type data. Errors: malformed (empty, L set but fewer
/// than 4 length octets, a length smaller than this fragment's data or
/// above max_message_size).
std::expected<fragment, eap_error> decode_fragment(bytes_view type_data);

/// The wire form; the length field is written iff `total_length` is set.
bytes encode_fragment(const fragment& f);

/// Joins the fragments of one incoming flight.
class reassembler {
  public:
    /// Adds the next fragment. Returns true when the flight is complete (the
    /// fragment has no M flag); take() then hands it out.
    /// Errors: malformed when the fragments contradict their L field (a
    /// first fragment with M but without L, a later L that differs, more or
    /// fewer octets than announced) or the flight exceeds max_message_size.
    std::expected<bool, eap_error> add(const fragment& f);

    /// The complete flight; the reassembler is empty again afterwards.
    bytes take();

    /// True between a fragment with M and the last one.
    bool in_progress() const { return in_progress_; }

  private:
    bytes buffer_;
    std::optional<std::uint32_t> announced_;
    bool in_progress_ = false;
};

/// Cuts an outgoing flight into fragments of at most `max_data` octets of
/// TLS data; the first carries L with the flight's size.
class fragmenter {
  public:
    /// Precondition: max_data > 0.
    explicit fragmenter(std::size_t max_data) : max_data_(max_data) {}

    /// Queues `flight` (nothing is queued for an empty one).
    void load(bytes flight);
    /// True while fragments of the queued flight remain to be sent.
    bool pending() const { return offset_ < flight_.size(); }
    /// The next fragment's type data. Precondition: pending().
    bytes next();

  private:
    std::size_t max_data_;
    bytes flight_;
    std::size_t offset_ = 0;
};

/// Type data of the server's EAP-TLS Start and of an acknowledgement.
bytes start_type_data();
bytes ack_type_data();

}  // namespace ike::eap_tls
