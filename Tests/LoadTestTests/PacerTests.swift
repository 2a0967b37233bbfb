import LoadTest
import Testing

@Suite struct PacerTests {
    static let twenty = Pacer(curve: .constant(20))
    static let ramp = Pacer(curve: .linear(from: 0, to: 100, over: 10))
    static let steps = Pacer(curve: .stepped([.init(rate: 10, seconds: 2), .init(rate: 0, seconds: 1), .init(rate: 50, seconds: 2)]))

    @Test(arguments: [
        // constant 20/s: due = ⌊20·t⌋
        (twenty, 0.0, 0, Pacer.Decision.wait(0.05)),  // ⌊20·0⌋ = 0: the first call is due at 1/20 s
        (twenty, 0.049, 0, .wait(0.001)),  // still 1 ms to go
        (twenty, 0.05, 0, .launch(1)),  // exactly on time
        (twenty, 1.0, 20, .wait(0.05)),  // up to date: next at 1.05
        (twenty, 1.0, 10, .launch(10)),  // late by half a second: the backlog goes at once
        (twenty, 2.0, 0, .launch(40)),  // very late: still exactly 40 due, no more
        // linear 0→100 over 10 s: due = ⌊5·t²⌋, then 500 + 100·(t−10)
        (ramp, 1.0, 0, .launch(5)),  // 5·1² = 5
        (ramp, 1.0, 5, .wait(0.0954451150103)),  // call 5 due at √(6/5) = 1.0954…
        (ramp, 10.0, 0, .launch(500)),  // the ramp's area: (0+100)·10/2
        (ramp, 12.0, 500, .launch(200)),  // then 100/s
        // stepped 10/s for 2 s, 0/s for 1 s, 50/s for 2 s (then 50/s holds)
        (steps, 2.0, 20, .wait(1.02)),  // nothing during the silent second: next at 3 + 1/50
        (steps, 3.5, 20, .launch(25)),  // 25 of the 50/s stage
        (steps, 5.0, 120, .wait(0.02)),  // all stages done (20 + 0 + 100): the last rate holds
        (steps, 6.0, 120, .launch(50)),  // …50 more a second later
    ] as [(Pacer, Double, Int, Pacer.Decision)])
    func decisions(pacer: Pacer, elapsed: Double, launched: Int, expected: Pacer.Decision) {
        let decision = pacer.pace(elapsed: elapsed, launched: launched)
        switch (decision, expected) {
        case (.wait(let got), .wait(let want)):
            #expect(abs(got - want) < 1e-6, "wait \(got) instead of \(want)")
        default:
            #expect(decision == expected)
        }
    }

    @Test(arguments: [
        // stop conditions
        (Pacer(curve: .constant(20), endTime: 10), 10.0, 199, Pacer.Decision.stop),  // run_time reached, all due made
        (Pacer(curve: .constant(20), endTime: 10), 12.0, 150, .launch(49)),  // a stalled timer: the 49 due before 10 s still go
        (Pacer(curve: .constant(20), endTime: 10, maxCalls: 160), 12.0, 150, .launch(10)),  // … but never past max_offered
        (Pacer(curve: .constant(20), endTime: 10), 10.5, 199, .stop),  // the 200th call, due at exactly 10, is not made
        (Pacer(curve: .constant(20), endTime: 10), 9.99, 199, .wait(0.01)),  // the 200th call is due at 10: past the end
        (Pacer(curve: .constant(20), maxCalls: 100), 60.0, 0, .launch(100)),  // never more than max_offered
        (Pacer(curve: .constant(20), maxCalls: 100), 60.0, 100, .stop),  // all offered
        (Pacer(curve: .constant(0)), 1.0, 0, .stop),  // a zero rate never offers anything
    ] as [(Pacer, Double, Int, Pacer.Decision)])
    func stops(pacer: Pacer, elapsed: Double, launched: Int, expected: Pacer.Decision) {
        let decision = pacer.pace(elapsed: elapsed, launched: launched)
        if case .wait(let got) = decision, case .wait(let want) = expected {
            #expect(abs(got - want) < 1e-6)
        } else {
            #expect(decision == expected)
        }
    }

    /// Walking any curve call by call, each call's due time maps back to its index.
    @Test(arguments: [twenty, ramp, steps, Pacer(curve: .linear(from: 30, to: 5, over: 4))])
    func dueTimesAndCountsAgree(pacer: Pacer) {
        for index in 0..<300 {
            let t = pacer.time(ofCall: index)
            #expect(pacer.due(at: t) == index + 1, "call \(index) at \(t)")
            #expect(pacer.due(at: t - 1e-6) <= index, "call \(index) just before \(t)")
        }
    }
}

/// The curve's own figures, which the profile (auto hold, run time) and the engine's
/// limit check (peak) read.
@Suite struct RateCurveTests {
    @Test(arguments: [
        // Constant: the rate itself, no ramp.
        (RateCurve.constant(20), 20.0, 0.0),
        // Linear down: the peak is where it starts.
        (.linear(from: 50, to: 5, over: 60), 50, 60),
        // Stepped: the highest stage, and the stages' total length.
        (.stepped([.init(rate: 1, seconds: 10), .init(rate: 0, seconds: 5), .init(rate: 3, seconds: 20)]), 3, 35),
    ])
    func peakAndRampTime(curve: RateCurve, peak: Double, rampTime: Double) {
        #expect(curve.peak == peak)
        #expect(curve.rampTime == rampTime)
    }
}
