import Foundation
import TestSupport
import Testing

/// `call.media` end to end (issue 15 §3): simulated slaves calling themselves report
/// RTP statistics on each originating leg's hangup, and the run turns them into the
/// media columns, quality percentiles, `no_media` and thresholds.
@Suite(.timeLimit(.minutes(3))) struct MediaRunTests {
    /// Two sims whose calls play a tone into `echo`: it comes back, so every call has
    /// packets (about 50 a second of its 2 s hold) and a MOS, and the media thresholds pass.
    @Test func toneCallsGetMOSAndPacketCounts() async throws {
        let scenario = try RunScenario("""
            { name: 'tone',
              slaves: [{ sim: { answer_delay: 0.1, sps: 200 } }, { sim: { answer_delay: 0.1, sps: 200, jitter_ms: 4 } }],
              call: { dest: "echo@{sip}", media: "tone" },
              load: { rate: 10, limit: 50, duration: 2, run_time: 1 },
              thresholds: ["mos.p5 >= 4.0", "rtp_loss_pct.p99 < 1", "no_media == 0"] }
            """)
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        let (summary, rows) = try scenario.reports()
        #expect(!rows.isEmpty && rows.allSatisfy { $0["outcome"] == "answered" && $0["media"] == "tone" })
        for row in rows {
            let packets = try #require(row["rtp_in_packets"].flatMap { Int($0) })
            #expect(packets >= 90 && packets <= 110, "about 2 s of 20 ms packets, got \(packets)")
            #expect(row["mos"] == "4.50", "no loss: FreeSWITCH's best MOS")
            #expect(row["rtp_loss_pct"] == "0.000")
            // The loop-back call's inbound leg is tracked too: it got the tone, for the
            // same time give or take a 20 ms tick at each end.
            let far = try #require(row["far_rtp_in_packets"].flatMap { Int($0) })
            #expect(abs(far - packets) <= 2 && row["far_mos"] == "4.50", "\(far) vs \(packets)")
        }
        let jitters = rows.filter { $0["slave"] == "sim-2" }.compactMap { $0["jitter_ms"].flatMap(Double.init) }
        #expect(!jitters.isEmpty && jitters.allSatisfy { $0 >= 2 && $0 <= 6 }, "4 ms ± 50 %: \(jitters)")
        let quality = try #require(summary["quality"] as? [String: [String: Any]])
        let mos = try #require(quality["mos"])
        #expect(mos["count"] as? Int == rows.count)
        for stat in ["min", "p1", "p5", "p10"] { #expect((mos[stat] as? Double).map { abs($0 - 4.5) < 0.02 } == true, "\(stat)") }
        #expect(summary["no_media"] as? Int == 0)
        #expect(result.stderr.contains("mos"))
    }

    /// Sim 1 parks (`media` none) into `echo`: nothing flows either way, zero packets,
    /// no MOS, and not `no_media` (none was expected). Sim 2 plays a tone into `park`,
    /// which sends nothing back: each of its answered calls is `no_media`.
    @Test func noMediaCountsOnlyCallsThatExpectedMedia() async throws {
        let scenario = try RunScenario("""
            { name: 'nomedia',
              slaves: [{ sim: { answer_delay: 0.1, sps: 200 } },
                       { sim: { answer_delay: 0.1, sps: 200 }, call: { dest: "park@{sip}", media: "tone" } }],
              call: { dest: "echo@{sip}" },
              load: { rate: 10, limit: 50, duration: 1, run_time: 1 },
              thresholds: ["no_media == 0"] }
            """)
        let result = try await scenario.run()
        #expect(result.status == 1, "no_media > 0 fails the threshold: \(result.stderr)")
        let (summary, rows) = try scenario.reports()
        let parked = rows.filter { $0["slave"] == "sim-1" }
        let toned = rows.filter { $0["slave"] == "sim-2" }
        #expect(!parked.isEmpty && !toned.isEmpty)
        #expect(parked.allSatisfy { $0["media"] == "none" && $0["rtp_in_packets"] == "0" && $0["mos"] == "" })
        #expect(parked.allSatisfy { $0["far_rtp_in_packets"] == "0" }, "the parked caller sends nothing to echo")
        #expect(toned.allSatisfy { $0["media"] == "tone" && $0["rtp_in_packets"] == "0" && $0["mos"] == "" })
        #expect(toned.allSatisfy { Int($0["far_rtp_in_packets"] ?? "") ?? 0 > 0 }, "park got the tone and sent nothing back")
        let answeredToned = toned.filter { $0["outcome"] == "answered" }.count
        #expect(answeredToned > 0 && summary["no_media"] as? Int == answeredToned)
        #expect((summary["warnings"] as? [String])?.contains { $0.contains("received no RTP at all") } == true)
        #expect(result.stderr.contains("no_media"))
    }

    /// A slave losing 30 % of the packets (each call 22.5–37.5 %: R 40–70,
    /// MOS 2.1–3.6) rates its calls under MOS 4: `mos.p5 >= 4.0` fails and the run exits 1.
    @Test func aMOSThresholdFailsUnderHeavyLoss() async throws {
        let scenario = try RunScenario("""
            { name: 'lossy',
              slaves: [{ sim: { answer_delay: 0.1, sps: 200, loss_pct: 30 } }],
              call: { dest: "echo@{sip}", media: "silence" },
              load: { rate: 10, limit: 50, duration: 1, run_time: 1 },
              thresholds: ["mos.p5 >= 4.0"] }
            """)
        let result = try await scenario.run()
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("mos.p5"))
        let (summary, rows) = try scenario.reports()
        let mos = rows.compactMap { $0["mos"].flatMap(Double.init) }
        #expect(!mos.isEmpty && mos.allSatisfy { $0 < 4.0 }, "\(mos)")
        let losses = rows.compactMap { $0["rtp_loss_pct"].flatMap(Double.init) }
        #expect(!losses.isEmpty && losses.allSatisfy { $0 >= 22 && $0 <= 38 }, "\(losses)")
        #expect(summary["passed"] as? Bool == false)
    }
}
