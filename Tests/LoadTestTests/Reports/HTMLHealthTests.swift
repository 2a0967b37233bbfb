import Foundation
@testable import LoadTest
import Testing

/// The slaves' health section of `report.html`.
@Suite struct HTMLHealthTests {
    /// The full fixture with two slaves' readings: 10.0.0.6 has none in second 2.
    static var data: ReportData {
        var data = HTMLReportTests.full
        for index in data.timeline.indices {
            let second = data.timeline[index].second
            data.timeline[index].slaves = [
                SlaveHealthRow(second: second, slave: "10.0.0.5:8021", sessions: 10 * second, sessionsPerSecond: 10, idleCPU: 90 - Double(second)),
                second == 2
                    ? SlaveHealthRow(second: second, slave: "10.0.0.6:8021")
                    : SlaveHealthRow(second: second, slave: "10.0.0.6:8021", sessions: 5, sessionsPerSecond: 5, idleCPU: 97.5),
            ]
        }
        let rows = data.timeline.flatMap(\.slaves)
        for name in ["10.0.0.5:8021", "10.0.0.6:8021"] {
            data.summary.slaves[name, default: RunSummary.SlaveSummary(outcomes: [:], events: [])].health =
                SlaveHealth.Summary(rows: rows.filter { $0.slave == name }, heartbeatIdleCPU: nil)
        }
        return data
    }

    @Test func idleCPUAndSessionsPerSlaveWithTheirFigures() throws {
        let data = Self.data
        #expect(data.timeline.count >= 3, "the fixture has a second after the gap")
        let page = HTMLReport.render(data)
        let start = try #require(page.range(of: "health</h2>"))
        let end = try #require(page.range(of: "</section>", range: start.upperBound..<page.endIndex))
        let section = String(page[start.lowerBound..<end.lowerBound])
        #expect(section.contains("idle CPU") && section.contains("sessions up"))
        #expect(section.contains("10.0.0.5:8021: min idle CPU \(String(format: "%.2f", 90 - Double(data.timeline.count))) %"))
        #expect(section.contains("10.0.0.6:8021: min idle CPU 97.50 %, peak 5 sessions, 5 sessions/s; 1 s without a reading"))
        // Lines and dots per slave colour: the gap breaks 10.0.0.6's line in two in each chart.
        func pieces(_ color: String) -> Int {
            // Not the invisible hover dots every point has (their titles give the values).
            let circles = section.components(separatedBy: "<circle").dropFirst().filter { !$0.hasPrefix(#" class="hover""#) }
            let shapes = section.components(separatedBy: "<polyline").dropFirst() + circles
            return shapes.filter { $0.prefix { $0 != ">" }.contains(color) }.count
        }
        #expect(pieces(HTMLReport.slaveColors[0]) == 2, "10.0.0.5: one line in each chart")
        #expect(pieces(HTMLReport.slaveColors[1]) == 4, "10.0.0.6: two pieces in each chart")
        #expect(!page.contains("NaN"))
    }

    @Test func noSectionWithoutReadings() {
        #expect(!HTMLReport.render(HTMLReportTests.full).contains("health</h2>"))
    }
}
