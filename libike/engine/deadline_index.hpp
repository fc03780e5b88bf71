#pragma once
// When each IKE_SA next needs on_timer: a binary min-heap of (deadline, item)
// in which every item records its own position in a member (`Slot`, position
// + 1, 0 when not filed). Moving or removing an item's deadline is then
// O(log n) with neither a search nor stale entries left behind, the earliest
// deadline is O(1), and the cost is one 16-byte heap entry per filed item plus
// the 4-byte slot in the item. (A lazy heap would need no slot but grows with
// every change; a std::set costs a node allocation per item.)
//
// Items are referred to by pointer: they must stay where they are while
// filed, and be removed (set(item, nullopt)) before they are destroyed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "libike/engine/engine.hpp"

namespace ike {

template <class T, std::uint32_t T::*Slot>
class deadline_index {
  public:
    /// Files `item` under `at`, moves it there when filed already, or removes
    /// it when `at` is nullopt. O(log n).
    void set(T& item, std::optional<time_point> at) {
        const std::uint32_t slot = item.*Slot;
        if (!at) {
            if (slot != 0) remove_at(slot - 1);
            return;
        }
        if (slot == 0) {
            heap_.push_back({*at, &item});
            place(heap_.size() - 1, heap_.back());
            sift_up(heap_.size() - 1);
            return;
        }
        const std::size_t i = slot - 1;
        const bool earlier = *at < heap_[i].at;
        heap_[i].at = *at;
        if (earlier)
            sift_up(i);
        else
            sift_down(i);
    }

    /// The deadline `item` is filed under; nullopt when it is not filed.
    std::optional<time_point> deadline_of(const T& item) const {
        const std::uint32_t slot = item.*Slot;
        if (slot == 0) return std::nullopt;
        return heap_[slot - 1].at;
    }

    /// The earliest deadline; nullopt when nothing is filed. O(1).
    std::optional<time_point> earliest() const {
        if (heap_.empty()) return std::nullopt;
        return heap_.front().at;
    }

    /// Removes and returns an item due at or before `now`, the earliest
    /// first; nullptr when none is due. O(log n).
    T* pop_due(time_point now) {
        if (heap_.empty() || heap_.front().at > now) return nullptr;
        T* item = heap_.front().item;
        remove_at(0);
        return item;
    }

    std::size_t size() const { return heap_.size(); }

  private:
    struct entry {
        time_point at;
        T* item;
    };

    void place(std::size_t i, entry e) {
        heap_[i] = e;
        e.item->*Slot = static_cast<std::uint32_t>(i + 1);
    }

    void remove_at(std::size_t i) {
        heap_[i].item->*Slot = 0;
        const entry last = heap_.back();
        heap_.pop_back();
        if (i == heap_.size()) return;
        // The last entry fills the hole and moves whichever way it must.
        place(i, last);
        if (i > 0 && last.at < heap_[(i - 1) / 2].at)
            sift_up(i);
        else
            sift_down(i);
    }

    void sift_up(std::size_t i) {
        const entry e = heap_[i];
        while (i > 0) {
            const std::size_t parent = (i - 1) / 2;
            if (!(e.at < heap_[parent].at)) break;
            place(i, heap_[parent]);
            i = parent;
        }
        place(i, e);
    }

    void sift_down(std::size_t i) {
        const entry e = heap_[i];
        for (;;) {
            std::size_t child = 2 * i + 1;
            if (child >= heap_.size()) break;
            if (child + 1 < heap_.size() && heap_[child + 1].at < heap_[child].at) ++child;
            if (!(heap_[child].at < e.at)) break;
            place(i, heap_[child]);
            i = child;
        }
        place(i, e);
    }

    std::vector<entry> heap_;
};

}  // namespace ike
