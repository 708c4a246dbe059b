package dev.kiln.render.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.List;
import java.util.Objects;

/**
 * Loads chosen packages of a library child-first and rewrites their bytecode so that an interrupted thread stops
 * inside them: a call to {@link Checkpoint#check()} goes before every branch and switch (every loop has one) and at
 * the entry of every method (recursion). Code that cannot be cancelled cooperatively, such as JSVG's filter kernels,
 * becomes stoppable by {@link Thread#interrupt()}. Everything outside the chosen packages is delegated to the parent,
 * so the instrumented classes share the engine's own interfaces.
 */
public final class InterruptingClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private static final ClassDesc CHECKPOINT = ClassDesc.of(Checkpoint.class.getName());
    private static final MethodTypeDesc VOID = MethodTypeDesc.of(ConstantDescs.CD_void);

    private final List<String> prefixes;
    private final ClassFile classFile;

    /**
     * Creates a loader that instruments the classes whose names start with one of {@code packagePrefixes} (e.g.
     * {@code "com.github.weisj.jsvg."}) and delegates all others to {@code parent}.
     */
    public InterruptingClassLoader(String name, ClassLoader parent, List<String> packagePrefixes) {
        super(name, Objects.requireNonNull(parent, "parent"));
        this.prefixes = List.copyOf(packagePrefixes);
        // Stack maps are regenerated for the rewritten methods; resolving their types needs the library's bytes.
        this.classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                .orElse(ClassHierarchyResolver.ofResourceParsing(parent))
                .cached()));
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!isInstrumented(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = findClass(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (!isInstrumented(name)) {
            throw new ClassNotFoundException(name);
        }
        byte[] original = readClassBytes(name);
        byte[] rewritten = instrument(original);
        return defineClass(name, rewritten, 0, rewritten.length);
    }

    /**
     * Loads and initializes every class under {@code resourcePrefix} (e.g. {@code com/github/weisj/jsvg/}) of the jar
     * that holds {@code anchorResource}, so that no class of the library is first initialized inside a render that
     * may be interrupted: an initializer aborted by a checkpoint would leave its class unusable for the process. Call
     * it on a thread that no render guard interrupts. Returns the number of classes initialized.
     */
    public int initializeAll(String anchorResource, String resourcePrefix) {
        java.net.URL url = getParent().getResource(anchorResource);
        if (url == null || !url.getProtocol().equals("jar")) {
            return 0;
        }
        String spec = url.getPath(); // file:/…/jsvg.jar!/com/…
        String jarPath = spec.substring("file:".length(), spec.indexOf("!/"));
        int count = 0;
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(
                java.net.URLDecoder.decode(jarPath, java.nio.charset.StandardCharsets.UTF_8))) {
            for (var entries = jar.entries(); entries.hasMoreElements(); ) {
                String entry = entries.nextElement().getName();
                if (!entry.startsWith(resourcePrefix) || !entry.endsWith(".class")) {
                    continue;
                }
                String className =
                        entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                try {
                    Class.forName(className, true, this);
                    count++;
                } catch (ClassNotFoundException | LinkageError e) {
                    // Classes that need an optional dependency cannot be used by any render either.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + jarPath, e);
        }
        return count;
    }

    /** Whether {@code className} is loaded (and rewritten) by this loader rather than its parent. */
    public boolean isInstrumented(String className) {
        for (String prefix : prefixes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private byte[] readClassBytes(String name) throws ClassNotFoundException {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = getParent().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    /** Returns {@code classBytes} with a checkpoint before every branch and switch and at every method's entry. */
    byte[] instrument(byte[] classBytes) {
        ClassModel model = classFile.parse(classBytes);
        // Static initializers are bounded and run once; aborting one would poison its class for the process.
        return classFile.transformClass(
                model,
                ClassTransform.transformingMethodBodies(
                        m -> !m.methodName().equalsString("<clinit>"), new CheckpointTransform()));
    }

    /** Plants the calls; stateless apart from the per-method entry flag the API gives each transform. */
    private static final class CheckpointTransform implements CodeTransform {
        @Override
        public void atStart(CodeBuilder builder) {
            builder.invokestatic(CHECKPOINT, "check", VOID);
        }

        @Override
        public void accept(CodeBuilder builder, CodeElement element) {
            if (element instanceof BranchInstruction
                    || element instanceof TableSwitchInstruction
                    || element instanceof LookupSwitchInstruction) {
                builder.invokestatic(CHECKPOINT, "check", VOID);
            }
            builder.with(element);
        }
    }
}
