extension String {
    /// The string padded with `pad` to `width` characters (on the left when `left`); longer
    /// strings are returned as they are.
    package func padding(to width: Int, with pad: Character = " ", left: Bool = false) -> String {
        guard count < width else { return self }
        let fill = String(repeating: pad, count: width - count)
        return left ? fill + self : self + fill
    }
}
