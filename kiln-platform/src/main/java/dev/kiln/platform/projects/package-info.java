/**
 * Projects and their ordered scenes: {@link dev.kiln.platform.projects.Projects} and
 * {@link dev.kiln.platform.projects.Scenes}, plain SQL next to the code, rows mapped to records.
 */
package dev.kiln.platform.projects;
