public import Switchy

extension Profile.App {
    /// A fresh instance of the built-in app this entry names, configured with its
    /// `args` (already checked by name and type when the profile was read).
    public func makeCallApp() -> any CallApp {
        switch name {
        case .park: return Park()
        case .echo: return Echo()
        case .tonePlay: return args["tone"]?.string.map { TonePlay(tone: $0) } ?? TonePlay()
        case .playRec:
            return PlayRec(
                file: args["file"]?.string ?? "",
                recordDirectory: args["record_dir"]?.string ?? "/tmp",
                period: .milliseconds(Int(((args["period"]?.number ?? 10) * 1000).rounded())))
        case .dtmfChecker: return args["digits"]?.string.map { DtmfChecker(digits: $0) } ?? DtmfChecker()
        case .calleeBlockOnInvite:
            return args["cause"]?.string.map { CalleeBlockOnInvite(cause: $0) } ?? CalleeBlockOnInvite()
        case .calleeRingback: return CalleeRingback()
        }
    }
}
