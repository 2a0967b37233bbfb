import Testing

@testable import switchy

/// The live line at the widths people's terminals have: it never wraps, it keeps the
/// figures that matter longest, and colour is only where it means something.
@Suite struct ProgressLineTests {
    static let running = ProgressLine.Figures(
        elapsed: 12.34, planned: 15, fraction: 12.34 / 15, rate: 20, target: 20, callsUp: 60, answered: 240,
        dropped: 0, failed: 3, lost: 0, blocked: 0, draining: false)

    /// The ANSI escapes taken out: what the terminal shows.
    static func visible(_ line: String) -> String {
        var out = ""
        var escape = false
        for character in line {
            if character == "\u{1B}" {
                escape = true
            } else if escape {
                if character == "m" { escape = false }
            } else {
                out.append(character)
            }
        }
        return out
    }

    @Test(arguments: [200, 120, 100, 80, 60, 40, 30, 20, 10])
    func neverWiderThanTheTerminal(width: Int) {
        for colour in [false, true] {
            for draining in [false, true] {
                var figures = Self.running
                figures.draining = draining
                let line = ProgressLine.render(figures, width: width, colour: colour)
                #expect(Self.visible(line).count <= width - 1, "\(width): \(Self.visible(line))")
            }
        }
    }

    @Test func wideTerminalsGetTheWholeLine() {
        let line = ProgressLine.render(Self.running, width: 200, colour: false)
        #expect(
            line == "12.3s / 15s  [================>   ] 82%  rate 20.0/s (target 20.0)  up 60  answered 240  "
                + "dropped 0  failed 3  lost 0  blocked 0")
    }

    @Test func eightyColumnsKeepEveryCountWithShortLabels() {
        let line = ProgressLine.render(Self.running, width: 80, colour: false)
        #expect(line == "12s/15s [========> ] 82% 20.0/s up 60 ans 240 drop 0 fail 3 lost 0 blk 0")
        let narrow = ProgressLine.render(Self.running, width: 50, colour: false)
        #expect(narrow == "12s 82% 20.0/s up 60 ans 240 err 3")
    }

    @Test func onlyNonZeroFailuresAreRed() {
        let line = ProgressLine.render(Self.running, width: 200, colour: true)
        #expect(line.contains("\u{1B}[31mfailed 3\u{1B}[0m"))
        #expect(line.contains("  dropped 0  ") && line.contains("  lost 0  "), "zero stays plain")
        #expect(line.contains("\u{1B}[32manswered 240\u{1B}[0m"))
        #expect(!ProgressLine.render(Self.running, width: 200, colour: false).contains("\u{1B}"))
    }

    @Test func drainingAndRunsWithoutAPlannedTime() {
        var figures = Self.running
        figures.draining = true
        figures.fraction = 1
        let draining = ProgressLine.render(figures, width: 200, colour: false)
        #expect(draining.hasPrefix("12.3s  [====================] 100%  up 60  "), "no planned time, no rate: \(draining)")
        #expect(draining.hasSuffix("  draining"))
        figures.planned = nil
        figures.fraction = nil
        figures.draining = false
        let line = ProgressLine.render(figures, width: 200, colour: false)
        #expect(line.hasPrefix("12.3s  rate "))
    }

    @Test func timesAndRates() {
        #expect(ProgressLine.time(65, tenths: true) == "1m05s")
        #expect(ProgressLine.time(3725, tenths: false) == "1h02m")
        #expect(ProgressLine.rate(1234.4) == "1234" && ProgressLine.rate(9.96) == "10.0")
    }

    /// In a capacity search the line says the step and its rate instead of a bar.
    @Test func aSearchShowsItsStepAndRate() {
        var figures = Self.running
        figures.step = (3, 15, 80)
        #expect(ProgressLine.render(figures, width: 200, colour: false).hasPrefix("12.3s / 15s  step 4/15 at 80.0/s  rate "))
        #expect(ProgressLine.render(figures, width: 80, colour: false).hasPrefix("12s/15s step 4/15 80.0/s "))
        let plan = ProgressPrinter.Plan(seconds: 30, calls: nil, search: (stepSeconds: 5, rates: [20, 40, 60, 80, 100, 120]))
        let step = ProgressPrinter.step(offeringSeconds: 7.5, plan: plan)
        #expect(step?.index == 1 && step?.count == 6 && step?.rate == 40)
        #expect(ProgressPrinter.step(offeringSeconds: 5, plan: plan)?.index == 0, "the second that ends at 5 s is step 0's last")
        #expect(ProgressPrinter.step(offeringSeconds: 99, plan: plan)?.index == 5)
    }

    /// How far a run is: by time or by calls, whichever is further; a run stopped at
    /// 4 s of 15 still says 26 % while its calls drain (not a full bar).
    @Test func theFractionIsHowFarTheOfferingGot() {
        let plan = ProgressPrinter.Plan(seconds: 15, calls: 100)
        #expect(ProgressPrinter.fraction(offeringSeconds: 4, callsDue: 10, plan: plan) == 4.0 / 15)
        #expect(ProgressPrinter.fraction(offeringSeconds: 4, callsDue: 50, plan: plan) == 0.5)
        #expect(ProgressPrinter.fraction(offeringSeconds: 4, callsDue: 50, plan: ProgressPrinter.Plan()) == nil)
    }
}
