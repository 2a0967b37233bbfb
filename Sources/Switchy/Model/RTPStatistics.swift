public import ESL

/// The audio RTP statistics FreeSWITCH reports for a leg when its media ends: the
/// `variable_rtp_audio_*` headers of CHANNEL_HANGUP_COMPLETE (and, identical, of
/// CHANNEL_DESTROY; capture 25). Only what a load test judges media by is kept, so a
/// leg in flight costs nothing and an ended one a few words.
///
/// FreeSWITCH computes them in `switch_rtp.c`: packets and bytes count every RTP packet
/// (12-byte header included); `flaw_total` counts the packets missing from the
/// sequence numbers, plus a penalty for consecutive losses; `quality_percentage` is
/// R = (received − flaws) / received × 100 and `mos` = 1 + 0.035·R + 7·10⁻⁶·R·(R − 60)·(100 − R);
/// each variance is the running mean of the squared deviation of the inter-arrival
/// time (ms) from its mean, its smallest and largest value over the call. A leg that
/// received no packet still reports `mos` 4.50 and quality 100: read
/// ``inPackets`` first (``receivedMedia``).
public struct RTPStatistics: Sendable, Equatable {
    // 24 bytes: 32-bit counts (2³² packets of 20 ms is over two years) and
    // single-precision figures (FreeSWITCH prints two decimals).
    private var counts: (inPackets: UInt32, outPackets: UInt32, flaws: UInt32)
    private var figures: (mos: Float, qualityPercentage: Float, maxVariance: Float)

    /// `rtp_audio_in_packet_count`: packets received.
    public var inPackets: Int { Int(counts.inPackets) }
    /// `rtp_audio_out_packet_count`: packets sent.
    public var outPackets: Int { Int(counts.outPackets) }
    /// `rtp_audio_in_flaw_total`: packets lost (sequence gaps, with penalties).
    public var flaws: Int { Int(counts.flaws) }
    /// `rtp_audio_in_mos`, as FreeSWITCH computed it (4.50 without any packet), to
    /// two decimals.
    public var mos: Double { Self.hundredths(figures.mos) }
    /// `rtp_audio_in_quality_percentage` (R, 0…100), to two decimals.
    public var qualityPercentage: Double { Self.hundredths(figures.qualityPercentage) }
    /// `rtp_audio_in_jitter_max_variance`, ms², to two decimals.
    public var maxVariance: Double { Self.hundredths(figures.maxVariance) }

    public init(
        inPackets: Int, outPackets: Int, flaws: Int = 0, mos: Double = 4.5, qualityPercentage: Double = 100,
        maxVariance: Double = 0
    ) {
        func count(_ value: Int) -> UInt32 { UInt32(clamping: value) }
        counts = (count(inPackets), count(outPackets), count(flaws))
        figures = (Float(mos), Float(qualityPercentage), Float(maxVariance))
    }

    public static func == (lhs: RTPStatistics, rhs: RTPStatistics) -> Bool {
        lhs.counts == rhs.counts && lhs.figures == rhs.figures
    }

    private static func hundredths(_ value: Float) -> Double { (Double(value) * 100).rounded() / 100 }

    /// Reads the statistics from an event, or nil when it carries none (only the
    /// hangup-complete and destroy events do: `variable_rtp_audio_in_packet_count`).
    public init?(_ event: Event) {
        guard let inPackets = event["variable_rtp_audio_in_packet_count"].flatMap({ Int($0) }) else { return nil }
        func number(_ name: String) -> Double? { event["variable_rtp_audio_" + name].flatMap { Double($0) } }
        self.init(
            inPackets: inPackets, outPackets: Int(number("out_packet_count") ?? 0), flaws: Int(number("in_flaw_total") ?? 0),
            mos: number("in_mos") ?? 4.5, qualityPercentage: number("in_quality_percentage") ?? 100,
            maxVariance: number("in_jitter_max_variance") ?? 0)
    }

    /// True when at least one RTP packet arrived: only then do ``mos`` and the
    /// figures derived here mean anything.
    public var receivedMedia: Bool { inPackets > 0 }

    /// MOS, only for a leg that received media (nil otherwise: FreeSWITCH's 4.50 for
    /// no packet at all is not a quality figure).
    public var receivedMOS: Double? { receivedMedia ? mos : nil }

    /// Packets lost, % of those expected: flaws / (received + flaws) × 100; nil when
    /// nothing was received.
    public var lossPercent: Double? {
        guard receivedMedia else { return nil }
        return Double(flaws) / Double(inPackets + flaws) * 100
    }

    /// Jitter, ms: √(largest variance), the largest running standard deviation of the
    /// inter-arrival time; nil when nothing was received.
    public var jitterMs: Double? { receivedMedia ? maxVariance.squareRoot() : nil }
}
