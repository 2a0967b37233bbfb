import ESL
import Foundation
import Switchy
import Synchronization
import TestSupport
import Testing

@testable import LoadTest

/// `call.media` in the load-test layer: the profile field, the originate target, the
/// ledger's media columns from a real capture, calls.csv, the statistics and thresholds.
struct MediaTests {
    // MARK: Profile and originate

    @Test func mediaIsReadPerCallAndPerSlave() throws {
        let profile = try ProfileFixtures.parse(
            ProfileFixtures.text(
                slaves: "[{ sim: {} }, { sim: { loss_pct: 2.5, jitter_ms: 3 }, call: { media: 'silence' } }]",
                call: "{ dest: 'echo@{sip}', media: 'tone' }"))
        #expect(profile.call.media == .tone)
        #expect(profile.slaves.map(\.call.media) == [.tone, .silence])
        guard case .simulated(let sim) = profile.slaves[1].kind else { throw CancellationError() }
        #expect(sim.lossPercent == 2.5 && sim.jitterMs == 3)
        #expect(try ProfileFixtures.parse(ProfileFixtures.text()).call.media == CallMedia.none, "default: none")
    }

    @Test(arguments: [
        // Not a media name.
        ("{ dest: 'echo@{sip}', media: 'music' }", "expected one of \"none\", \"tone\", \"silence\""),
        // Media plays in place of the app: not both.
        ("{ dest: 'echo@{sip}', media: 'tone', app: 'echo' }", "in place of 'app' or 'dp_exten'"),
        // switchy sets switchy_media itself.
        ("{ dest: 'echo@{sip}', variables: { switchy_media: 'x' } }", "switchy_media is set by switchy itself"),
    ])
    func brokenMediaIsRefused(call: String, message: String) {
        #expect {
            _ = try ProfileFixtures.parse(ProfileFixtures.text(call: call))
        } throws: { error in
            (error as? ProfileError)?.description.contains(message) == true
        }
    }

    /// Media replaces the default app's `&park()` only; an explicit target and other
    /// apps' own targets stay; the stream goes in `switchy_media`.
    @Test func mediaTakesThePlaceOfParkOnly() throws {
        let tone = RunPlan.Call(dest: "echo@h", media: .tone)
        #expect(SlaveLink.target(call: tone, app: Park()) == .app("playback", args: "${switchy_media}"))
        #expect(SlaveLink.target(call: tone, app: Echo()) == .app("echo"))
        #expect(SlaveLink.target(call: RunPlan.Call(dest: "echo@h"), app: Park()) == .app("park"))
        var explicit = tone
        explicit.target = .app("conference", args: "room")
        #expect(SlaveLink.target(call: explicit, app: Park()) == .app("conference", args: "room"))
        let command = try OriginateCommand(
            endpoint: .profile("external", dest: "echo@h"), target: try #require(CallMedia.tone.target), runID: "r",
            variables: [(CallMedia.variable, try #require(CallMedia.tone.stream))])
        let line = command.command(uuid: "u")
        #expect(line.contains("switchy_media=tone_stream://%(1000\\,0\\,440);loops=-1"), "commas escaped in the {} block")
        #expect(line.hasSuffix(" &playback(${switchy_media})"), "no ')' inside the app argument")
    }

    // MARK: Ledger, from capture 25

    /// The calls of capture 25 offered as tone calls: each record gets its originating
    /// leg's packets, and MOS only when packets arrived; the parked call is no_media.
    @Test func theLedgerRecordsTheMediaColumnsOfCapture25() throws {
        let records = Mutex<[String: CallRecord]>([:])
        let ledger = CallLedger { record in records.withLock { $0[record.callUUID] = record } }
        let listener = EventListener(keepVariables: false)
        let uuids = [
            "6b764e5d-702b-4398-9c99-360c28ca66ea", "1ea71860-b00d-4914-8fc4-83f864fd3af8",
            "3231a7cb-47d7-4175-8f9b-e42f3727c36f", "79f7661f-a403-475e-a001-6d100ad287bb",
        ]
        for (seq, uuid) in uuids.enumerated() {
            var record = CallRecord(seq: seq, callUUID: uuid, slave: "a", app: nil, scheduledAt: 0)
            record.media = .tone
            ledger.offer(record, deadline: .max)
        }
        listener.onCallEnded { call in ledger.callEnded(call, on: "a", at: 1) }
        for event in try CaptureFrames.events("25") { listener.handle(event) }
        listener.drainCallbacks()
        for uuid in uuids { ledger.jobDone(uuid, on: "a", body: "+OK \(uuid)", at: 1, channelExists: true) }
        let byUUID = records.withLock { $0 }
        #expect(byUUID.count == 4)
        let packets = uuids.map { byUUID[$0]?.rtpInPackets }
        #expect(packets == [250, 249, 0, 111])
        #expect(uuids.map { byUUID[$0]?.mos } == [4.5, 4.5, nil, 4.5], "no MOS without packets")
        #expect(uuids.map { byUUID[$0]?.noMedia } == [false, false, true, false])
        #expect(byUUID[uuids[0]]?.rtpLossPct == 0 && byUUID[uuids[0]]?.jitterMs == 0)
    }

    // MARK: calls.csv, statistics, thresholds

    @Test func theMediaColumnsReadBackAsWritten() throws {
        let clock = WallClockMapping(monotonicStart: 0, unixMicrosecondsStart: 1_800_000_000_000_000)
        var record = CallRecord(seq: 0, callUUID: "u-1", slave: "sim-1", app: nil, scheduledAt: 1_000)
        record.outcome = .answered
        record.media = .silence
        record.rtpInPackets = 95
        record.mos = 4.21
        record.rtpLossPct = 5
        record.jitterMs = 2.5
        let line = CallsCSVWriter.row(record, clock: clock)
        #expect(line.hasSuffix(",silence,95,4.21,5.000,2.500,,,\n"), "the media columns, then an empty step")
        let back = try CallsCSVReader(CallsCSVWriter.columns.joined(separator: ",") + "\n" + line, file: "calls.csv", clock: clock)
        let read = try #require(back.records.first)
        #expect(read.media == .silence && read.rtpInPackets == 95 && read.mos == 4.21)
        #expect(read.rtpLossPct == 5 && read.jitterMs == 2.5)
        #expect(back.histograms["mos"]?.count == 1 && back.histograms["jitter_ms"]?.count == 1)
    }

    /// 100 calls with MOS 3.00, 3.01 … 3.99 (one each) and one that expected media
    /// and got none: the low percentiles, `no_media` and the thresholds on them.
    @Test func qualityPercentilesAndThresholds() throws {
        let metrics = RunMetrics()
        for index in 0..<100 {
            var record = CallRecord(seq: index, callUUID: "u\(index)", slave: "s", app: nil, scheduledAt: 0)
            record.outcome = .answered
            record.media = .tone
            record.rtpInPackets = 250
            record.mos = 3 + Double(index) / 100
            record.rtpLossPct = 0
            metrics.add(record)
        }
        var silent = CallRecord(seq: 100, callUUID: "u100", slave: "s", app: nil, scheduledAt: 0)
        silent.outcome = .answered
        silent.media = .tone
        silent.rtpInPackets = 0
        metrics.add(silent)
        let minimal = #"{"name":"n","run_id":"r","started_at":"2026-01-01T00:00:00Z","ended_at":"2026-01-01T00:00:01Z","offered":101}"#
        var summary = try RunSummary.read(Data(minimal.utf8), file: "summary.json")
        summary.setCounts(from: metrics.snapshot, histograms: metrics.snapshot.latencies)
        let mos = try #require(summary.quality["mos"])
        #expect(summary.latencyMs["mos"] == nil, "quality figures are not latencies")
        #expect(mos.count == 100 && mos.min == 3)
        // Within the histogram's 0.4 %.
        for (value, expected) in [(mos.p1, 3.0), (mos.p5, 3.04), (mos.p10, 3.09)] {
            #expect(abs((value ?? 0) - expected) <= expected * 0.004, "\(String(describing: value)) ≈ \(expected)")
        }
        #expect(summary.noMedia == 1)
        let source = MetricSource(summary: summary)
        #expect(source.value("no_media") == 1)
        #expect(source.value("mos.p5") == mos.p5 && source.value("mos.min") == 3)
        let verdicts = try ["mos.p5 >= 4.0", "rtp_loss_pct.p99 < 1", "no_media == 0"].map { try Threshold($0) }
            .map { $0.evaluate(source).passed }
        #expect(verdicts == [false, true, false])
    }
}

/// The media section of `report.html`.
struct MediaReportTests {
    /// Ten tone calls: MOS 4.50 ×6, 4.10 ×2 and 3.00 ×1 (with packets), and one with no
    /// packet at all (no MOS, no_media).
    static var data: ReportData {
        let mos: [Double?] = [4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 4.1, 4.1, 3.0, nil]
        let records = ReportFixtures.records(count: 10).enumerated().map { index, base in
            var record = base
            record.outcome = .answered
            record.media = .tone
            record.rtpInPackets = mos[index] == nil ? 0 : 250
            record.mos = mos[index]
            record.rtpLossPct = mos[index] == nil ? nil : 0
            return record
        }
        return ReportFixtures.data(records: records, name: "media", runID: "run-media")
    }

    @Test func mosIsCountedByBandAndNoMediaIsShown() {
        let data = Self.data
        #expect(HTMLReport.mosBandCounts(data.histograms["mos"] ?? LatencyHistogram()) == [6, 2, 0, 0, 1, 0])
        let html = HTMLReport.render(data)
        #expect(html.contains("<h2>Media</h2>"))
        #expect(html.contains("1 answered call(s) that expected media received no RTP at all (no_media)."))
        #expect(html.contains("MOS distribution (9 calls that received RTP)"))
        #expect(html.contains("4.34–4.50 very satisfied: 6 ("))
    }

    @Test func aRunWithoutMediaHasNoMediaSection() {
        #expect(!HTMLReport.render(ReportFixtures.data(records: ReportFixtures.records(count: 5), name: "n", runID: "r")).contains("<h2>Media</h2>"))
    }
}
