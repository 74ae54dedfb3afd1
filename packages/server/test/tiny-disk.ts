import { execFileSync } from 'node:child_process'
import { mkdtemp, open, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

/**
 * Small filesystems of their own for fault tests: a tmpfs to fill up, an ext4 image on a loop
 * device to turn read-only the way a failing disk does. Mounting needs root (CI and the
 * development machines run as root); elsewhere `reason` says why the tests cannot run.
 */
export type Mounted<T> = { ok: true; disk: T } | { ok: false; reason: string }

const run = (command: string, args: string[]) =>
  execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })

function failure(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr
  return (stderr || (error as Error).message).trim().split('\n')[0] ?? 'unknown error'
}

/** A mounted folder; `unmount` also removes the mount point. */
export interface Disk {
  dir: string
  unmount(): Promise<void>
}

async function unmountAndRemove(dir: string, device?: string) {
  // Lazy: a server that failed the test may still hold a file open; the mount goes anyway.
  try {
    run('umount', ['-l', dir])
  } catch {}
  if (device) {
    try {
      run('losetup', ['-d', device])
    } catch {}
  }
  await rmdir(dir).catch(() => undefined)
}

/** A tmpfs of `sizeMb` megabytes that a test can fill up (FullableDisk.fill) and free again. */
export interface FullableDisk extends Disk {
  /** Writes a filler file until the disk is full; answers the bytes written. */
  fill(): Promise<number>
  /** Deletes the filler: the space is back. */
  free(): Promise<void>
}

export async function mountTmpfs(sizeMb: number): Promise<Mounted<FullableDisk>> {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'mounting a tmpfs needs root' }
  const dir = await mkdtemp(join(tmpdir(), 'spendlens-tiny-disk-'))
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir])
  } catch (error) {
    await rmdir(dir).catch(() => undefined)
    return { ok: false, reason: `cannot mount a tmpfs: ${failure(error)}` }
  }
  const filler = join(dir, 'filler')
  return {
    ok: true,
    disk: {
      dir,
      async fill() {
        const chunk = Buffer.alloc(64 * 1024, 1)
        const file = await open(filler, 'a')
        try {
          for (;;) await file.write(chunk)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
        } finally {
          await file.close()
        }
        // The last pages: a smaller write may still fit where a 64 KiB one did not.
        for (const size of [4096, 512, 1]) {
          try {
            for (;;) await writeFile(filler, Buffer.alloc(size, 1), { flag: 'a' })
          } catch {}
        }
        return (await stat(filler)).size
      },
      free: () => rm(filler, { force: true }),
      unmount: () => unmountAndRemove(dir),
    },
  }
}

/** An ext4 filesystem that a test can make fail read-only, and an operator's repair of it. */
export interface FailingDisk extends Disk {
  /**
   * Makes the filesystem fail as a disk error does with `errors=remount-ro`: the kernel aborts its
   * journal and every write from then on is refused (EROFS). Only an unmount, fsck and mount bring
   * it back.
   */
  failReadOnly(): void
  /** The operator's repair: unmount (refused while a process holds a file), fsck, mount again. */
  repair(): void
}

export async function mountFailingExt4(sizeMb: number): Promise<Mounted<FailingDisk>> {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'mounting a loop device needs root' }
  const dir = await mkdtemp(join(tmpdir(), 'spendlens-failing-disk-'))
  const image = `${dir}.img`
  let device: string | undefined
  try {
    run('truncate', ['-s', `${sizeMb}M`, image])
    run('mkfs.ext4', ['-q', '-F', image])
    device = run('losetup', ['--find', '--show', image]).trim()
    run('mount', ['-o', 'errors=remount-ro', device, dir])
  } catch (error) {
    await unmountAndRemove(dir, device)
    await rm(image, { force: true })
    return { ok: false, reason: `cannot mount an ext4 image on a loop device: ${failure(error)}` }
  }
  const loop = device
  const trigger = `/sys/fs/ext4/${basename(loop)}/trigger_fs_error`
  try {
    await stat(trigger)
  } catch {
    await unmountAndRemove(dir, loop)
    await rm(image, { force: true })
    return { ok: false, reason: `this kernel has no ${trigger} to make ext4 fail` }
  }
  return {
    ok: true,
    disk: {
      dir,
      failReadOnly: () => run('sh', ['-c', `echo 1 > ${trigger}`]),
      repair() {
        run('umount', [dir])
        try {
          run('fsck.ext4', ['-f', '-y', loop])
        } catch (error) {
          // fsck exits 1 when it corrected errors (the aborted journal): that is the repair.
          if ((error as { status?: number }).status !== 1) throw error
        }
        run('mount', ['-o', 'errors=remount-ro', loop, dir])
      },
      async unmount() {
        await unmountAndRemove(dir, loop)
        await rm(image, { force: true })
      },
    },
  }
}
