import LoadTest
import Testing

@Suite struct SlavePoolTests {
    typealias C = SlavePool.Candidate

    @Test func equalSlavesTakeTurns() {
        var pool = SlavePool()
        var candidates = [C(), C(), C()]
        var order: [Int] = []
        for _ in 0..<6 {
            let index = pool.choose(candidates)!
            order.append(index)
            candidates[index].inFlight += 1
        }
        #expect(order == [1, 2, 0, 1, 2, 0])
    }

    @Test func theMostFreeCapacityWins() {
        var pool = SlavePool()
        #expect(pool.choose([C(inFlight: 5), C(inFlight: 2), C(inFlight: 9)]) == 1)
    }

    @Test func weightsSetTheShare() {
        var pool = SlavePool()
        var candidates = [C(weight: 2), C(weight: 1)]
        for _ in 0..<300 { candidates[pool.choose(candidates)!].inFlight += 1 }
        #expect(candidates.map(\.inFlight) == [200, 100])
    }

    @Test func downOrFullSlavesAreSkippedAndNoneLeftIsNil() {
        var pool = SlavePool()
        #expect(pool.choose([C(healthy: false), C(limit: 3, inFlight: 3), C(inFlight: 50)]) == 2)
        #expect(pool.choose([C(healthy: false), C(limit: 1, inFlight: 1)]) == nil)
        #expect(pool.choose([]) == nil)
    }

    @Test func weightedRotationSpreadsEvenly() {
        var rotation = WeightedRotation(weights: [3, 1])
        #expect((0..<8).map { _ in rotation.next()! } == [0, 0, 1, 0, 0, 0, 1, 0])
        var none = WeightedRotation(weights: [0, 0])
        #expect(none.next() == nil)
    }
}
