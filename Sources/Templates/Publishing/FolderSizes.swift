import Synchronization

/// The sizes of a tree's files for many threads at once: each file is
/// found by name in its folder's descriptor (`fstatat`), opened once for
/// all threads, not by a path the kernel walks again for each of the
/// thousands of files a build checks.
final class FolderSizes: Sendable {
    private let handles: Mutex<FolderHandles>

    /// Sizes of the files below `root`.
    init(root: String) {
        handles = Mutex(FolderHandles(root: root))
    }

    /// The size of the regular file at `path` inside the tree, nil when
    /// there is none (a link is not followed).
    func size(of path: String) -> Int? {
        let (folder, name) = FolderHandles.split(path)
        let descriptor: Int32? = handles.withLock { handles in (try? handles.descriptor(folder)) ?? nil }
        return descriptor.flatMap { FolderHandles.size(name, in: $0) }
    }
}
