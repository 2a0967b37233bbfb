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
        (Pacer(curve: .constant(20), endTime: 10), 10.0, 200, Pacer.Decision.stop),  // run_time reached, all 20 × 10 made
        (Pacer(curve: .constant(20), endTime: 10), 12.0, 150, .launch(50)),  // a stalled timer: the 50 due by 10 s still go
        (Pacer(curve: .constant(20), endTime: 10, maxCalls: 160), 12.0, 150, .launch(10)),  // … but never past max_offered
        (Pacer(curve: .constant(20), endTime: 10), 10.0, 199, .launch(1)),  // the 200th call, due at exactly 10, is made
        (Pacer(curve: .constant(20), endTime: 10), 10.5, 199, .launch(1)),  // … late, too
        (Pacer(curve: .constant(20), endTime: 10), 10.5, 200, .stop),  // and nothing due after the end
        (Pacer(curve: .constant(20), endTime: 10), 9.99, 199, .wait(0.01)),  // the 200th call is due at 10, the end
        (Pacer(curve: .constant(3), endTime: 10), 9.8, 30, .wait(0.2)),  // the last call was at 10 − 1/3: wait for the end
        (Pacer(curve: .constant(0), endTime: 2), 1.0, 0, .wait(1)),  // a zero rate waits out the run time
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

    /// `max_offered` counts calls made: blocked ones (due while the limit was reached)
    /// do not count against it, so more are launched until that many were made.
    @Test(arguments: [
        (60.0, 100, 100, Pacer.Decision.stop),  // 100 made: done
        (60.0, 100, 97, .launch(3)),  // 3 of the 100 were blocked: 3 more
        (60.0, 1_000, 97, .launch(3)),  // however many were blocked
        (5.2, 104, 90, .wait(0.05)),  // the backlog is launched; the next is due at 5.25
        (5.0, 90, 80, .launch(10)),  // due 100, launched 90: 10 more (within the 20 left)
    ] as [(Double, Int, Int, Pacer.Decision)])
    func maxOfferedCountsCallsMade(elapsed: Double, launched: Int, offered: Int, expected: Pacer.Decision) {
        let pacer = Pacer(curve: .constant(20), maxCalls: 100)
        let decision = pacer.pace(elapsed: elapsed, launched: launched, offered: offered)
        if case .wait(let got) = decision, case .wait(let want) = expected {
            #expect(abs(got - want) < 1e-6)
        } else {
            #expect(decision == expected)
        }
    }

    /// The counting rule: a run of rate r for T seconds makes ⌊∫₀ᵀ rate⌋ calls, the one
    /// due at exactly T included (20/s for 15 s is 300, for 3 s 60).
    @Test(arguments: [
        (RateCurve.constant(20), 15.0, 300),
        (.constant(20), 3, 60),
        (.constant(20), 2.53, 50),  // ⌊50.6⌋
        (.linear(from: 0, to: 100, over: 10), 10, 500),
        (.stepped([.init(rate: 10, seconds: 2), .init(rate: 0, seconds: 1), .init(rate: 50, seconds: 2)]), 5, 120),
    ])
    func aRunOfTSecondsMakesTheIntegral(curve: RateCurve, seconds: Double, calls: Int) {
        let pacer = Pacer(curve: curve, endTime: seconds)
        var launched = 0
        var elapsed = 0.0
        // Step through the run as a timer would, always on time.
        loop: while true {
            switch pacer.pace(elapsed: elapsed, launched: launched) {
            case .launch(let count): launched += count
            case .wait(let seconds): elapsed += seconds
            case .stop: break loop
            }
        }
        #expect(launched == calls)
        #expect(elapsed == seconds, "offering lasts the whole run time")
    }

    /// The target rate is the schedule's: ∫rate over the time / the time.
    @Test func targetRateIsTheScheduleAveragedOverTheTime() {
        #expect(Self.twenty.targetRate(to: 15) == 20)
        #expect(Self.ramp.targetRate(to: 10) == 50)  // 500 calls over 10 s
        #expect(Self.ramp.targetRate(from: 9, to: 10) == 95)  // ∫₉¹⁰ (10·t) = 95
        #expect(Self.steps.targetRate(from: 2, to: 3) == 0)  // the silent second
        #expect(Self.steps.targetRate(from: 2.5, to: 2.5) == 0)  // an empty interval: the rate there
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
