import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
public class PipeWrite {
    public static void main(String[] a) throws Exception {
        int px = Integer.getInteger("px", 1200 * 630);
        int n = 300;
        var mx = ManagementFactory.getThreadMXBean();
        int[] frame = new int[px];
        for (int i = 0; i < px; i++) frame[i] = i * 31;
        for (int round = 0; round < 4; round++) {
            for (String mode : new String[] {"whole", "chunk64k", "chunk32k", "chunk16k", "chunk8k"}) {
                Process p = new ProcessBuilder("sh", "-c", "cat > /dev/null").start();
                OutputStream out = p.getOutputStream();
                byte[] chunk = new byte[mode.equals("chunk32k") ? 32768 : mode.equals("chunk16k") ? 16384 : mode.equals("chunk8k") ? 8192 : 65536];
                IntBuffer cb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
                long t0 = mx.getCurrentThreadCpuTime();
                for (int f = 0; f < n; f++) {
                    if (mode.equals("whole")) {
                        byte[] b = new byte[px * 4];
                        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(frame, 0, px);
                        out.write(b);
                    } else {
                        int per = chunk.length / 4;
                        for (int o = 0; o < px; o += per) {
                            int len = Math.min(per, px - o);
                            cb.clear();
                            cb.put(frame, o, len);
                            out.write(chunk, 0, len * 4);
                        }
                    }
                }
                long t1 = mx.getCurrentThreadCpuTime();
                out.close();
                p.waitFor();
                System.out.printf("%s: %.3f ms CPU/frame (writer thread)%n", mode, (t1 - t0) / 1e6 / n);
            }
        }
    }
}
