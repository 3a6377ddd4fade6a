// MainWindow: File > Save Settings / Load Settings, the processing settings as a file
// (core::ProcessParamsFile) that another photo, a later Nocturne or `nocturne-cli --params`
// can replay.
#include <QFileDialog>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUndoStack>

#include "core/pipeline/MethodDefaults.h"
#include "core/pipeline/ProcessParamsFile.h"
#include "ui/services/EditorSession.h"
#include "ui/widgets/MainWindow.h"
#include "ui/widgets/MessageBanner.h"
#include "ui/widgets/MethodSelector.h"

namespace nocturne::ui {

namespace {

QString settingsFilter()
{
    return QObject::tr("Nocturne settings (*%1);;JSON (*.json);;All files (*)")
        .arg(QString::fromLatin1(core::ProcessParamsFile::kExtension));
}

}  // namespace

QString MainWindow::settingsFileSuggestion() const
{
    const QString ext = QString::fromLatin1(core::ProcessParamsFile::kExtension);
    if (m_session->source().isNull())
        return QDir(QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
            .filePath(QStringLiteral("settings") + ext);
    const QFileInfo photo(m_session->source().path);
    return photo.dir().filePath(photo.completeBaseName() + ext);
}

void MainWindow::saveSettingsWithDialog()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save Settings"), settingsFileSuggestion(), settingsFilter());
    if (!path.isEmpty())
        saveSettingsFile(path);
}

void MainWindow::loadSettingsWithDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Load Settings"),
                                                      QFileInfo(settingsFileSuggestion()).path(), settingsFilter());
    if (!path.isEmpty())
        loadSettingsFile(path);
}

bool MainWindow::saveSettingsFile(const QString& path)
{
    const auto written = core::ProcessParamsFile::write(m_session->params().toProcessParams(), path.toStdString());
    if (!written) {
        m_banner->showError(tr("Could not save the settings: %1")
                                .arg(QString::fromStdString(written.error().describe())));
        return false;
    }
    m_banner->showInfo(tr("Settings saved to %1").arg(QFileInfo(path).fileName()));
    return true;
}

bool MainWindow::loadSettingsFile(const QString& path)
{
    const auto loaded = core::ProcessParamsFile::read(path.toStdString());
    if (!loaded) {
        m_banner->showError(tr("Could not load the settings: %1")
                                .arg(QString::fromStdString(loaded.error().describe())));
        return false;
    }
    EditorParams next = EditorParams::fromProcessParams(*loaded, m_session->params());
    QString note;
    if (next.method == QLatin1String(core::kAutoMethod)) {
        const auto kind = m_session->sourceKind() == QLatin1String("raw") ? core::SourceKind::Raw : core::SourceKind::Raster;
        next.method = QString::fromStdString(core::defaultMethodFor(kind, *m_options.registry));
    }
    if (!m_session->supportsMethod(next.method)) {
        const QString wanted = next.method;
        next.method = m_methods->firstEnabledMethod(QStringLiteral("none"));
        note = tr(" The method \"%1\" is not available for this photo here; showing %2 instead.")
                   .arg(wanted, next.method);
    }
    m_session->rememberMethod(m_session->sourceKind(), next.method);
    ++m_gesture;
    pushParams(ParamCommand::Field::Settings, next);
    ++m_gesture;
    m_banner->showInfo(tr("Settings loaded from %1.").arg(QFileInfo(path).fileName()) + note);
    return true;
}

}  // namespace nocturne::ui
