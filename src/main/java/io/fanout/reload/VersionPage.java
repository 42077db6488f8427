package io.fanout.reload;

import io.fanout.store.VersionInfo;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of config versions, newest first.
 *
 * @param activeVersion the version this instance serves
 * @param versions      the page
 * @param nextBefore    the {@code before} of the next (older) page; null on the last page
 */
public record VersionPage(
        long activeVersion,
        List<VersionInfo> versions,
        @Nullable Long nextBefore) {

    public VersionPage {
        versions = List.copyOf(versions);
    }
}
