package dev.turnpike.config.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files a reload watches and how to tell they changed. Reading contents through the path (rather
 * than watching inodes or modification times) follows every way a file gets replaced: an editor's
 * rename, a {@code cp}, and the symlink swap of a Kubernetes ConfigMap mounted as a directory.
 */
final class ConfigurationFiles {

    private static final List<String> CONFIG_NAMES = List.of("application.yml", "application.yaml", "application.properties");

    private ConfigurationFiles() {
    }

    /**
     * The files read plus the configuration file names beside them and in the working directory, so that
     * a file that appears later is noticed too.
     */
    static Set<Path> watched(Collection<Path> read) {
        Set<Path> paths = new LinkedHashSet<>(read);
        Set<Path> directories = new LinkedHashSet<>();
        directories.add(Path.of("").toAbsolutePath());
        read.forEach(file -> directories.add(file.getParent()));
        for (Path directory : directories) {
            CONFIG_NAMES.forEach(name -> paths.add(directory.resolve(name)));
        }
        return paths;
    }

    /** A hash of the paths and what they hold now; an absent file counts as absent, not as an error. */
    static String fingerprint(Collection<Path> paths) {
        MessageDigest digest = sha256();
        for (Path path : paths) {
            digest.update(path.toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try {
                if (Files.exists(path)) {
                    digest.update(Files.readAllBytes(path));
                } else {
                    digest.update((byte) 1);
                }
            } catch (NoSuchFileException e) { // removed between the check and the read
                digest.update((byte) 1);
            } catch (IOException e) {
                digest.update(String.valueOf(e).getBytes(StandardCharsets.UTF_8));
            }
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The revision shown to operators: the first 12 hex digits of the hash of the files read. */
    static String revision(Collection<Path> read) {
        return fingerprint(read).substring(0, 12);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
