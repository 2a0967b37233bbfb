/// The RTP model of one simulated FreeSWITCH: how the audio its legs receive fares.
///
/// A leg receives RTP when the far end sends it: the lab dialplan's `tone` always
/// does, `echo` (and `9196`) only when the leg itself plays something (`playback` and
/// the like), `park` never; a leg sends while it plays. Packets are PCMU, 20 ms, 172
/// bytes with their header, from answer to hangup (capture 25). A leg that received
/// none reports zeros, a `skip_packet_count` of one per 20 ms and `mos` 4.50, as the
/// real one does.
public struct SimMedia: Sendable, Equatable {
    /// Packets lost on the way in, % (0…100): each call loses between 0.75 and 1.25
    /// times this share, drawn at random. FreeSWITCH counts a lost packet as a
    /// flaw and rates the call R = (received − flaws) / received × 100; when the flaws
    /// outnumber the received packets it forgets them (`switch_rtp.c`), and so does the
    /// simulator: past 50 % loss a call reports no flaw.
    public var lossPercent: Double = 0
    /// Jitter, ms: the standard deviation of the inter-arrival time each call reports
    /// at most (`jitter_max_variance` = its square), between half and one and a half
    /// times this, drawn at random; 0 reports `0.00` variances.
    public var jitterMs: Double = 0

    public init(lossPercent: Double = 0, jitterMs: Double = 0) {
        self.lossPercent = lossPercent
        self.jitterMs = jitterMs
    }
}
