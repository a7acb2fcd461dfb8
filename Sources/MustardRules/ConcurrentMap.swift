import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` over the machine's cores, results in order: for work on each item that shares nothing mutable (a
    /// finding's signature advice, its secret scrubbing). Why: rule files matching thousands of objects make as many
    /// findings, and the rules stage runs while the other core is idle. Short arrays, and any array on one core, are mapped on the calling thread.
    public func concurrentMap<T: Sendable>(minimumPerCore: Int = 64, _ transform: @Sendable (Element) -> T) -> [T] {
        let cores = Swift.min(ProcessInfo.processInfo.activeProcessorCount, count / Swift.max(1, minimumPerCore))
        guard cores > 1 else { return map(transform) }
        let results = ResultSlots<T>(count: count)
        // The items read in place: `self[i]` copied each one (a finding is dozens of references to retain and release).
        withUnsafeBufferPointer { items in
            let items = SharedItems(items)
            DispatchQueue.concurrentPerform(iterations: cores) { part in
                // Contiguous parts: each thread writes only its own slots.
                for i in (count * part / cores)..<(count * (part + 1) / cores) { results.set(i, transform(items.buffer[i])) }
            }
        }
        return results.values()
    }
}

/// One slot per result, each written by exactly one thread of `concurrentMap` before any is read. Raw memory, not
/// an array property: threads writing one array at once would be simultaneous accesses the runtime stops.
private final class ResultSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<T?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func set(_ i: Int, _ value: T) { slots[i] = value }

    func values() -> [T] { (0..<count).map { slots[$0]! } }
}

/// The array's storage, read by `concurrentMap`'s threads while the array is alive and unchanged.
private struct SharedItems<Element>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Element>
    init(_ buffer: UnsafeBufferPointer<Element>) { self.buffer = buffer }
}
