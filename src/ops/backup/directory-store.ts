import { createReadStream } from 'node:fs'
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import type { BackupStore } from './backup-store.js'
import { BackupError } from './manifest.js'

/** A backup in a folder of the local file system (or a mounted volume). */
export class DirectoryStore implements BackupStore {
  constructor(readonly location: string) {}

  async write(name: string, body: Readable): Promise<void> {
    const path = this.path(name)
    await mkdir(dirname(path), { recursive: true })
    const file = await open(path, 'w')
    try {
      for await (const chunk of body) {
        for (let rest = chunk as Buffer; rest.length > 0; )
          rest = rest.subarray((await file.write(rest)).bytesWritten)
      }
      // On the disk before the write counts as done: the part's items may be deleted after it.
      await file.sync()
    } finally {
      await file.close()
    }
  }

  async read(name: string): Promise<Readable> {
    const path = this.path(name)
    try {
      await stat(path)
    } catch {
      throw new BackupError(`${this.location}: ${name} is missing`)
    }
    return createReadStream(path)
  }

  async readText(name: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(name), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  async writeText(name: string, text: string): Promise<void> {
    const path = this.path(name)
    await mkdir(dirname(path), { recursive: true })
    const temporary = `${path}.partial`
    const file = await open(temporary, 'w')
    try {
      await file.writeFile(text)
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, path)
  }

  private path(name: string): string {
    return join(this.location, name)
  }
}
