/// A buffer whose distinct slots are written from concurrent iterations
/// (`DispatchQueue.concurrentPerform`): each iteration writes its own slot
/// only, which is why sharing it is safe.
public struct SendableBuffer<Element>: @unchecked Sendable {
    /// The slots.
    public let buffer: UnsafeMutableBufferPointer<Element>

    /// Wraps `buffer`, which the caller allocates and frees.
    public init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
