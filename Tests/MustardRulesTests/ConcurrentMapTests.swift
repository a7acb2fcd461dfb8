import MustardRules
import Testing

/// `concurrentMap` (the rules stage's findings over both cores): the same results, in the same order, as `map`.
@Suite("Concurrent map")
struct ConcurrentMapTests {
    @Test("Results in order at every length, below and above the share one core takes")
    func order() {
        for count in [0, 1, 2, 63, 64, 65, 127, 128, 129, 1_000, 4_097] {
            let items = Array(0..<count)
            #expect(items.concurrentMap { $0 * 3 + 1 } == items.map { $0 * 3 + 1 }, "\(count)")
            #expect(items.concurrentMap(minimumPerCore: 1) { String($0) } == items.map { String($0) }, "\(count)")
        }
    }

    @Test("Two items, one each: the rules stage's built-in rules beside the rule files' pass")
    func pairs() {
        #expect([true, false].concurrentMap(minimumPerCore: 1) { $0 ? "batch" : "alone" } == ["batch", "alone"])
    }
}
