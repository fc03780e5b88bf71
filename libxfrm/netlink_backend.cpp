#include "libxfrm/netlink_backend.hpp"

#include <cerrno>
#include <optional>

#include "libxfrm/xfrm_policy_msg.hpp"
#include "libxfrm/xfrm_sa_msg.hpp"

namespace xfrm {

namespace {

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};

kernel_error invalid(const std::string& what) {
    return make_kernel_error(EINVAL, what);
}

std::expected<nl_message, kernel_error> build_sa_install(const sa_config& sa, const ownership& own,
                                                         bool update) {
    if (auto ok = validate(sa); !ok) return std::unexpected(invalid("SA config: " + ok.error()));
    if (!own.owns(sa)) return std::unexpected(invalid("SA reqid outside the owned range"));
    return update ? build_update_sa(sa) : build_new_sa(sa);
}

std::expected<nl_message, kernel_error> build_policy_install(const policy_config& p,
                                                             const ownership& own, bool update) {
    if (!own.owns(p))
        return std::unexpected(
            invalid("policy not tagged as ours (template reqid or bypass priority)"));
    return update ? build_update_policy(p) : build_new_policy(p);
}

bool is_sa_install(const kernel_change& change) {
    return std::holds_alternative<sa_add>(change) || std::holds_alternative<sa_update>(change);
}

// Vanished between dump and delete: somebody else already removed it.
bool is_gone(const kernel_error& err) {
    return err.value() == ESRCH || err.value() == ENOENT;
}

}  // namespace

std::expected<netlink_backend, kernel_error> netlink_backend::open(const ownership& owned) {
    auto channel = netlink_channel::open();
    if (!channel) return std::unexpected(channel.error());
    return netlink_backend(std::move(*channel), owned);
}

std::expected<nl_message, kernel_error> netlink_backend::build(const kernel_change& change) const {
    return std::visit(
        overloaded{
            [&](const sa_add& c) { return build_sa_install(c.sa, owned_, false); },
            [&](const sa_update& c) { return build_sa_install(c.sa, owned_, true); },
            [&](const sa_delete& c) -> std::expected<nl_message, kernel_error> {
                return build_delete_sa(c.id);
            },
            [&](const policy_add& c) { return build_policy_install(c.policy, owned_, false); },
            [&](const policy_update& c) { return build_policy_install(c.policy, owned_, true); },
            [&](const policy_delete& c) -> std::expected<nl_message, kernel_error> {
                return build_delete_policy(c.id);
            },
        },
        change);
}

std::vector<std::expected<void, kernel_error>> netlink_backend::apply(
    std::span<const kernel_change> changes) {
    std::vector<std::expected<void, kernel_error>> results(changes.size());
    std::vector<nl_message> batch;
    std::vector<std::size_t> batch_index;  // batch position -> change position
    for (std::size_t i = 0; i < changes.size(); ++i) {
        auto msg = build(changes[i]);
        if (!msg) {
            results[i] = std::unexpected(msg.error());
            continue;
        }
        batch.push_back(std::move(*msg));
        batch_index.push_back(i);
    }
    auto sent = channel_.execute_batch(std::move(batch));
    for (std::size_t k = 0; k < sent.size(); ++k) {
        std::size_t i = batch_index[k];
        results[i] = std::move(sent[k]);
        if (!results[i] && is_sa_install(changes[i]))
            results[i] = std::unexpected(explain_sa_install_error(results[i].error()));
    }
    return results;
}

std::expected<std::uint32_t, kernel_error> netlink_backend::alloc_spi(const spi_request& req) {
    if (!owned_.owns_reqid(req.reqid))
        return std::unexpected(invalid("ALLOCSPI reqid outside the owned range"));
    auto reply = channel_.query(build_alloc_spi(req));
    if (!reply) return std::unexpected(reply.error());
    auto sa = parse_sa(reply->view());
    if (!sa) return std::unexpected(make_kernel_error(EBADMSG, sa.error().what));
    return sa->spi;
}

std::expected<sa_state, kernel_error> netlink_backend::get_sa(const sa_id& id) {
    auto reply = channel_.query(build_get_sa(id));
    if (!reply) return std::unexpected(reply.error());
    auto sa = parse_sa(reply->view());
    if (!sa) return std::unexpected(make_kernel_error(EBADMSG, sa.error().what));
    return *sa;
}

std::expected<policy_state, kernel_error> netlink_backend::get_policy(const policy_id& id) {
    auto reply = channel_.query(build_get_policy(id));
    if (!reply) return std::unexpected(reply.error());
    auto pol = parse_policy(reply->view());
    if (!pol) return std::unexpected(make_kernel_error(EBADMSG, pol.error().what));
    return *pol;
}

std::expected<std::vector<sa_state>, kernel_error> netlink_backend::list_sas() {
    auto msgs = channel_.dump(build_dump_sa());
    if (!msgs) return std::unexpected(msgs.error());
    std::vector<sa_state> out;
    for (const auto& m : *msgs) {
        auto sa = parse_sa(m.view());
        if (!sa) return std::unexpected(make_kernel_error(EBADMSG, sa.error().what));
        out.push_back(std::move(*sa));
    }
    return out;
}

std::expected<std::vector<policy_state>, kernel_error> netlink_backend::list_policies() {
    auto msgs = channel_.dump(build_dump_policy());
    if (!msgs) return std::unexpected(msgs.error());
    std::vector<policy_state> out;
    for (const auto& m : *msgs) {
        auto pol = parse_policy(m.view());
        if (!pol) return std::unexpected(make_kernel_error(EBADMSG, pol.error().what));
        out.push_back(std::move(*pol));
    }
    return out;
}

std::size_t netlink_backend::delete_all(std::vector<nl_message> requests, flush_report& report) {
    std::size_t deleted = 0;
    for (auto& r : channel_.execute_batch(std::move(requests))) {
        if (r)
            ++deleted;
        else if (!is_gone(r.error()))
            report.failures.push_back(r.error());
    }
    return deleted;
}

// Policies first: while they exist, traffic could trigger acquires that
// recreate larval SAs we are about to delete.
std::expected<flush_report, kernel_error> netlink_backend::flush_owned() {
    flush_report report;
    auto policies = list_policies();
    if (!policies) return std::unexpected(policies.error());
    std::vector<nl_message> dels;
    for (const auto& p : *policies) {
        if (owned_.owns(p)) dels.push_back(build_delete_policy(p.id()));
    }
    report.policies_deleted = delete_all(std::move(dels), report);

    auto sas = list_sas();
    if (!sas) return std::unexpected(sas.error());
    dels.clear();
    for (const auto& sa : *sas) {
        if (!owned_.owns(sa)) continue;
        if (sa.spi == 0)
            ++report.larval_left;
        else
            dels.push_back(build_delete_sa(sa.id()));
    }
    report.sas_deleted = delete_all(std::move(dels), report);
    return report;
}

std::expected<void, kernel_error> netlink_backend::flush_all_sas() {
    return channel_.execute(build_flush_sa(0));
}

std::expected<void, kernel_error> netlink_backend::flush_all_policies() {
    return channel_.execute(build_flush_policy());
}

}  // namespace xfrm
