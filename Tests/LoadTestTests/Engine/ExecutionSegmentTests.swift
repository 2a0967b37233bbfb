import LoadTest
import Testing

/// The split of one scenario into N execution segments (`--segment I/N`): pure math,
/// checked over constant rates, ramps, stages and a search's steps.
@Suite struct ExecutionSegmentTests {
    @Test(arguments: [
        ("1/1", 1, 1),  // the whole run
        ("2/5", 2, 5),
        ("5/5", 5, 5),  // the last segment
        (" 3 / 4 ", 3, 4),  // spaces around the numbers
    ])
    func parses(text: String, index: Int, count: Int) throws {
        let segment = try ExecutionSegment(parsing: text)
        #expect(segment.index == index && segment.count == count)
    }

    @Test(arguments: [
        "0/3",  // I counts from 1
        "4/3",  // I past N
        "1/0",  // no segments
        "-1/3", "2", "2/", "/5", "2/5/7", "a/b", "1.5/3", "",
    ])
    func refuses(text: String) {
        #expect(throws: ExecutionSegment.Problem(text: text)) { try ExecutionSegment(parsing: text) }
        let message = "\(ExecutionSegment.Problem(text: text))"
        #expect(message.contains("I/N, 1 ≤ I ≤ N") && message.contains("'\(text)'"))
    }

    /// A cap (limit, max_offered) split N ways: the shares add up to it, differ by at
    /// most one, and the larger ones go to the first L mod N segments — the same
    /// segments that get the extra call of an interleaved schedule of L calls.
    @Test func capsSplitSoTheSharesAddUp() throws {
        for count in 1...7 {
            for total in 0...60 {
                let shares = try (1...count).map { try ExecutionSegment(index: $0, count: count).share(of: total) }
                #expect(shares.reduce(0, +) == total, "\(total) split \(count) ways: \(shares)")
                for (offset, share) in shares.enumerated() {
                    let expected = offset + 1 <= total % count ? (total + count - 1) / count : total / count
                    #expect(share == expected, "segment \(offset + 1)/\(count) of \(total)")
                    // The cap's share is the number of the first `total` calls the segment makes.
                    #expect(share == (1...max(1, total)).filter { total > 0 && ExecutionSegment.of(call: $0, count: count) == offset + 1 }.count)
                }
            }
        }
    }

    static let curves: [(String, RateCurve, Double)] = [
        ("constant 20/s for 3 s", .constant(20), 3),
        ("constant 7.3/s for 4.1 s", .constant(7.3), 4.1),
        ("ramp 0→100 over 10 s, then 1 s more", .linear(from: 0, to: 100, over: 10), 11),
        ("ramp 30→5 over 4 s", .linear(from: 30, to: 5, over: 4), 4),
        ("stages 10/s 2 s, silent 1 s, 50/s 2 s", .stepped([.init(rate: 10, seconds: 2), .init(rate: 0, seconds: 1), .init(rate: 50, seconds: 2)]), 5),
        ("a search's steps 10, 20, 30/s of 2 s", Profile.Load.Search(from: 10, step: 10, stepTime: 2, max: 30).curve, 6),
    ]

    /// Every call due in the whole run up to `end`: its due time, in order.
    static func dueTimes(_ pacer: Pacer, until end: Double) -> [Double] {
        (0..<pacer.due(at: end)).map { pacer.time(ofCall: $0) }
    }

    /// The union of the N segments' calls is the whole run's: the same number, each due
    /// time once; and the segments interleave — in due order, the whole run's k-th call
    /// is segment ((k − 1) mod N) + 1's.
    @Test(arguments: curves.map(\.0))
    func segmentsInterleaveToTheWholeSchedule(name: String) throws {
        let (_, curve, end) = try #require(Self.curves.first { $0.0 == name })
        let whole = Pacer(curve: curve, endTime: end)
        let wholeTimes = Self.dueTimes(whole, until: end)
        #expect(!wholeTimes.isEmpty)
        for count in 1...5 {
            var union: [(time: Double, segment: Int)] = []
            for index in 1...count {
                let pacer = Pacer(curve: curve, endTime: end, segment: try ExecutionSegment(index: index, count: count))
                let times = Self.dueTimes(pacer, until: end)
                #expect(times.count == ExecutionSegment(uncheckedFor: index, count).share(of: wholeTimes.count))
                #expect(times == times.sorted(), "a segment's calls are due in order")
                union += times.map { ($0, index) }
            }
            union.sort { ($0.time, $0.segment) < ($1.time, $1.segment) }
            #expect(union.map(\.time) == wholeTimes, "\(name), \(count) segments: the union is the whole schedule")
            #expect(
                union.map(\.segment) == (1...wholeTimes.count).map { ExecutionSegment.of(call: $0, count: count) },
                "\(name), \(count) segments: interleaved, not blocks")
        }
    }

    /// At any time, the segments' due counts add up to the whole run's, and their
    /// scheduled calls (∫ rate, the target) and rates too.
    @Test(arguments: curves.map(\.0))
    func dueCountsAndTargetsAddUp(name: String) throws {
        let (_, curve, end) = try #require(Self.curves.first { $0.0 == name })
        let whole = Pacer(curve: curve, endTime: end)
        for count in [2, 3, 5] {
            let segments = try (1...count).map {
                Pacer(curve: curve, endTime: end, segment: try ExecutionSegment(index: $0, count: count))
            }
            for step in 0...Int(end * 40) {
                let t = Double(step) / 40
                #expect(segments.reduce(0) { $0 + $1.due(at: t) } == whole.due(at: t), "due at \(t) s")
                let dues = segments.map { $0.due(at: t) }
                #expect((dues.max() ?? 0) - (dues.min() ?? 0) <= 1, "as even as can be at \(t) s: \(dues)")
                let scheduled = segments.reduce(0.0) { $0 + $1.scheduled(from: max(0, t - 1), to: t) }
                #expect(abs(scheduled - whole.scheduled(from: max(0, t - 1), to: t)) < 1e-9, "target over (\(t - 1), \(t)]")
                #expect(abs(segments.reduce(0.0) { $0 + $1.rate(at: t) } - whole.rate(at: t)) < 1e-9)
            }
        }
    }

    /// Paced as the scheduler paces (a timer that wakes when the pacer says), each
    /// segment launches exactly its share, each call at its own due time, and stops at
    /// the end; `max_offered` split the same way stops the segments at calls that add
    /// up to it.
    @Test func pacedSegmentsMakeTheirShare() throws {
        let curve = RateCurve.linear(from: 5, to: 25, over: 4)
        let whole = Pacer(curve: curve, endTime: 4)
        let total = whole.due(at: 4)
        var launchedTotal = 0
        var cappedTotal = 0
        for index in 1...3 {
            let segment = try ExecutionSegment(index: index, count: 3)
            launchedTotal += Self.launches(Pacer(curve: curve, endTime: 4, segment: segment))
            cappedTotal += Self.launches(Pacer(curve: curve, endTime: 4, maxCalls: segment.share(of: 10), segment: segment))
        }
        #expect(launchedTotal == total)
        #expect(cappedTotal == 10)
    }

    /// Follows the pacer's decisions with a timer that fires on time; the calls launched.
    static func launches(_ pacer: Pacer) -> Int {
        var elapsed = 0.0
        var launched = 0
        for _ in 0..<100_000 {
            switch pacer.pace(elapsed: elapsed, launched: launched) {
            case .launch(let count): launched += count
            case .wait(let seconds): elapsed += seconds
            case .stop: return launched
            }
        }
        Issue.record("the pacer never stopped")
        return launched
    }

    /// `runPlan(segment:)`: the pacer paces the segment's share, and `limit`, a slave's
    /// `limit` and `max_offered` split by the same rule; a cap too small to give every
    /// segment one is refused, naming the field.
    @Test func planSplitsTheProfilesCaps() throws {
        let profile = try ProfileFixtures.parse(
            ProfileFixtures.text(
                slaves: "[{ sim: {}, limit: 5 }]", load: "{ rate: 9, limit: 10, max_offered: 100, run_time: 10 }"))
        var limits: [Int] = []
        var slaveLimits: [Int] = []
        var maxCalls: [Int] = []
        for index in 1...3 {
            let segment = try ExecutionSegment(index: index, count: 3)
            let plan = try profile.runPlan(runID: "r\(index)", simulated: [0: ("127.0.0.1", 1)], segment: segment)
            #expect(plan.pacer.segment == segment && plan.wholeLimit == 10)
            limits.append(try #require(plan.limit))
            slaveLimits.append(try #require(plan.slaves[0].limit))
            maxCalls.append(try #require(plan.pacer.maxCalls))
        }
        #expect(limits == [4, 3, 3] && slaveLimits == [2, 2, 1] && maxCalls == [34, 33, 33])
        let tooSmall = try ExecutionSegment(index: 6, count: 6)
        #expect {
            try profile.runPlan(runID: "r", simulated: [0: ("127.0.0.1", 1)], segment: tooSmall)
        } throws: { error in
            "\(error)".contains("slaves[0].limit 5 cannot be split into 6 segments: segment 6/6 would get none")
        }
    }

    /// A search's steps are the whole scenario's rates (what a step is called); a
    /// segment judges each on its own calls against its part of the step's rate.
    @Test func searchStepsKeepTheirRatesAndJudgeTheirPart() throws {
        let profile = try ProfileFixtures.parse(
            ProfileFixtures.text(load: "{ search: { from: 10, step: 10, step_time: 2, max: 30 }, limit: 10 }"))
        let plan = try profile.runPlan(
            runID: "r", simulated: [0: ("127.0.0.1", 1)], segment: try ExecutionSegment(index: 2, count: 4))
        let search = try #require(plan.search)
        #expect(search.rates == [10, 20, 30] && search.share == 0.25)
        #expect(plan.pacer.rate(at: 3) == 5)  // step 1 (20/s) of 4 segments
    }
}

extension ExecutionSegment {
    /// A segment known to be valid, for tables.
    init(uncheckedFor index: Int, _ count: Int) {
        self = (try? ExecutionSegment(index: index, count: count)) ?? .whole
    }
}
