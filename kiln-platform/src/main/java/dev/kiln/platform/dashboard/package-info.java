/** The dashboard: projects, scene counts, spend and each scene's latest generation in a constant number of statements. */
package dev.kiln.platform.dashboard;
