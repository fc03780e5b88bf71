#pragma once
// Certificates a peer sent before, parsed and validated once.
//
// Why: OpenSSL 3.0 spends ~400 µs decoding one DER certificate (its public
// key goes through the provider decoders) and ~200 µs on X509_verify_cert
// for a one-CA chain, on the benchmark host: more than the signatures and
// the key exchange of an IKE_SA together (docs/performance.md). Road
// warriors reconnect and reauthenticate with the same certificate, and a
// gateway sees the same intermediates from every client.
//
// What is kept, per engine (not thread-safe), each in FIFO order up to
// `capacity` entries:
//  - parsed certificates by their exact DER octets (parsing is a pure
//    function of them);
//  - successful validations by trust store (trust_store::id, so a reload's
//    new store starts afresh) and the exact DER of the chain the peer sent,
//    with the window in which every certificate of the chain OpenSSL built
//    and every CRL of the store is valid. A verdict is reused only inside
//    its window; the CAs and CRLs of a store do not change after it is made.
// Failures are never kept: each is checked again and reported in full.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <expected>
#include <span>
#include <string>
#include <unordered_map>

#include "libike/crypto/cert_validation.hpp"
#include "libike/crypto/certificate.hpp"

namespace ike {

class cert_cache {
  public:
    struct counters {
        std::uint64_t parse_hits = 0, parse_misses = 0;
        std::uint64_t verdict_hits = 0, verdict_misses = 0;
    };

    /// Up to `capacity` parsed certificates and as many verdicts; 0 keeps
    /// nothing (every call parses and validates).
    explicit cert_cache(std::size_t capacity) : capacity_(capacity) {}

    /// certificate::from_der, from the cache when these octets were parsed before.
    std::expected<certificate, cert_error> parse(bytes_view der);

    /// store.validate(leaf, intermediates, now), unless the same chain passed
    /// the same store before and `now` is inside that verdict's window.
    std::expected<void, cert_error> validate(const trust_store& store, const certificate& leaf,
                                             std::span<const certificate> intermediates,
                                             cert_time now);

    const counters& stats() const { return stats_; }

  private:
    template <class V>
    struct fifo_map {
        std::unordered_map<std::string, V> entries;
        std::deque<std::string> order;
        void put(std::string key, V value, std::size_t capacity);
    };

    std::size_t capacity_;
    fifo_map<certificate> parsed_;
    fifo_map<validity_window> verdicts_;
    counters stats_;
};

}  // namespace ike
