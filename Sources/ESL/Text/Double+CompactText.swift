extension Double {
    /// The number as a message shows it: a whole number without a fraction (`5`, not
    /// `5.0`, for 5 seconds), any other as Swift prints it (`2.5`, `1e+30`, `inf`).
    package var compactText: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : "\(self)"
    }
}
