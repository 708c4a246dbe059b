package dev.kiln.app;

/**
 * Prints the default max heap and collector for this process's box, e.g. {@code 256m serial}, for the launcher: a
 * JVM's heap and collector are fixed when it starts, so {@code ./kiln up} asks a short-lived JVM in the same box
 * first. {@code --describe} prints the box too, for people and for the tests that run it inside a real cgroup.
 */
public final class HeapSizing {
    private HeapSizing() {}

    /** Entry point; see the class comment. */
    public static void main(String[] args) {
        Box box = Box.detect();
        long mib = box.defaultHeapBytes() / (1024 * 1024);
        if (args.length > 0 && args[0].equals("--describe")) {
            System.out.println("box=" + box.describe() + " cpus=" + box.cpus() + " memoryMiB="
                    + box.memoryBytes() / (1024 * 1024) + " heap=" + mib + "m gc="
                    + box.defaultCollector().wireName());
            return;
        }
        System.out.println(mib + "m " + box.defaultCollector().wireName());
    }
}
