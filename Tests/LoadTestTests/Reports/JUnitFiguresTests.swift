@testable import LoadTest
import Testing

/// The run's figures `junit.xml` carries as properties.
@Suite struct JUnitFiguresTests {
    static func figures(_ summary: RunSummary) -> [String: String] {
        Dictionary(JUnitReport.figures(of: summary).map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func aRunWithoutMediaHasNoNoMediaFigure() {
        let summary = HTMLReportTests.full.summary
        #expect(summary.quality.isEmpty && summary.noMedia == 0)
        #expect(Self.figures(summary)["no_media"] == nil)
        #expect(Self.figures(summary)["offered"] == "\(summary.offered)")
    }

    /// Calls that expected media and got no RTP are counted, whether or not any other
    /// call had media to measure.
    @Test func aRunWithMediaCountsItsCallsWithoutRTP() {
        var silent = HTMLReportTests.full.summary
        silent.noMedia = 7
        #expect(Self.figures(silent)["no_media"] == "7")

        var heard = HTMLReportTests.full.summary
        var mos = LatencyHistogram()
        mos.record(milliseconds: 4.4)
        let percentiles = RunSummary.Percentiles(mos)
        #expect(percentiles != nil)
        heard.quality["mos"] = percentiles
        #expect(Self.figures(heard)["no_media"] == "0")
    }
}
