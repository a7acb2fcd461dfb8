import Foundation

/// Runs decoding work on the machine's other cores while the archive streams on this one, and hands the results
/// back in submission order, so the outcome is the same as decoding one file after another.
///
/// Bounded: at most `width` pieces of work are queued or running, so a fast archive cannot pile up file
/// contents in memory ahead of the decoders.
public final class ParallelDecoder<Result: Sendable>: @unchecked Sendable {
    private let queue = DispatchQueue(label: "mustard.decode", attributes: .concurrent)
    private let group = DispatchGroup()
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var results: [Int: Result] = [:]
    private var next = 0
    /// Results before this sequence number have been handed back.
    private var delivered = 0

    public init(width: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)) {
        slots = DispatchSemaphore(value: width)
    }

    /// Queues `work`; blocks while `width` pieces are already in flight.
    public func submit(_ work: @escaping @Sendable () -> Result) {
        let sequence = next
        next += 1
        slots.wait()
        group.enter()
        queue.async { [self] in
            let result = work()
            lock.lock()
            results[sequence] = result
            lock.unlock()
            slots.signal()
            group.leave()
        }
    }

    /// Results not handed back yet whose predecessors are all done, in submission order; does not wait.
    public func takeReady() -> [Result] {
        lock.lock()
        defer { lock.unlock() }
        var ready: [Result] = []
        while let result = results.removeValue(forKey: delivered) {
            ready.append(result)
            delivered += 1
        }
        return ready
    }

    /// Waits for all the work and returns the results not handed back yet, in submission order.
    public func drain() -> [Result] {
        group.wait()
        return takeReady()
    }
}
