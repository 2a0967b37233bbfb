import Foundation

/// The simulated CPU: idle CPU falls with the sessions up
/// (``SimTiming/idleCPU`` − ``SimTiming/cpuPerSession`` × sessions, within 0…100), as
/// `status` (`min idle cpu 0.00/<idle>`) and HEARTBEAT (`Idle-CPU`) report it.
extension SwitchCore {
    /// The idle CPU now, %.
    var idleCPU: Double {
        min(100, max(0, timing.idleCPU - timing.cpuPerSession * Double(throttle.sessions)))
    }

    /// ``idleCPU`` with `digits` decimals: 2 in `status` (`95.17`), 6 in HEARTBEAT
    /// (`98.200000`), as capture 26 has them.
    func idleCPUText(digits: Int) -> String {
        String(format: "%.\(digits)f", idleCPU)
    }
}
