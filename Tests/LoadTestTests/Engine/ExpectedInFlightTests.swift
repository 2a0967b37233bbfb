import LoadTest
import Testing

/// The calls a plan expects in flight at most, which size the run's per-call tables
/// once (``RunPlan/expectedInFlight``).
@Suite struct ExpectedInFlightTests {
    func plan(
        rate: Double = 100, maxCalls: Int? = nil, limit: Int? = nil, hold: Int? = nil,
        slaves: [(weight: Int, limit: Int?)] = [(1, nil)]
    ) -> RunPlan {
        RunPlan(
            name: "p", runID: "r",
            slaves: slaves.enumerated().map { index, slave in
                RunPlan.Slave(
                    name: "s\(index)", host: "h", port: 8021, password: "x", weight: slave.weight, limit: slave.limit,
                    call: .init(dest: "echo"))
            },
            pacer: Pacer(curve: .constant(rate), maxCalls: maxCalls), limit: limit, holdSeconds: hold)
    }

    @Test func theSmallestOfTheLimitTheMaxCallsAndTheRateTimesHoldAndSetup() {
        #expect(plan(hold: 10).expectedInFlight == 1_200)  // 100/s × (10 + 2) s
        #expect(plan(limit: 500, hold: 10).expectedInFlight == 500)
        #expect(plan(maxCalls: 300, limit: 500, hold: 10).expectedInFlight == 300)
        #expect(plan(maxCalls: 300).expectedInFlight == 300)  // no hold: the bound alone
        #expect(plan().expectedInFlight == nil)  // no hold, no bound: unknown
        #expect(plan(rate: 1e9, hold: 3600).expectedInFlight == 1_000_000)  // capped
        var off = plan(limit: 500, hold: 10)
        off.reserveInFlight = false
        #expect(off.expectedInFlight == nil && off.expectedInFlightPerSlave.isEmpty)
    }

    @Test func sharedAmongTheSlavesByWeightWithinTheirLimits() {
        let shares = plan(limit: 1_000, hold: 10, slaves: [(1, nil), (3, nil), (4, 200)]).expectedInFlightPerSlave
        #expect(shares == [138, 413, 200])  // 1,000 × 1/8, 3/8 (+10 %), and 4/8 capped at its limit
        #expect(plan(slaves: [(1, nil)]).expectedInFlightPerSlave.isEmpty)
    }
}
