package org.iommusim.simulations.scenario;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import java.io.File;
import java.net.URL;

/**
 * Refuses every {@code include}: a scenario is one self-contained file, so its line numbers and the
 * report's "loaded from" always name the file that holds the value, and nothing (a missing include is
 * silently empty in HOCON, a classpath include could pull in Pekko's reference.conf) leaks in from elsewhere.
 */
final class NoIncludes implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
    static final String REASON = "include is not supported: a scenario is one self-contained file";

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
        return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        throw new ConfigException.Generic(REASON);
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
        throw new ConfigException.Generic(REASON);
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
        throw new ConfigException.Generic(REASON);
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
        throw new ConfigException.Generic(REASON);
    }
}
